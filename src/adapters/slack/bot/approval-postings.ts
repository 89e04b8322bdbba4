// Beside each approval request (ApprovalStore): the job it releases once approved, and every
// Slack message showing it, so that a decision updates each copy. Memory version here; the
// Redis one, shared by bot processes, is adapters/redis/redis-approval-postings.ts.
import type { Job } from '../../../core/jobs/job-schema.js';

export interface MessageCopy {
  channel: string;
  ts: string;
}

export interface ApprovalPosting {
  job: Job;
  copies: MessageCopy[];
}

export interface ApprovalPostings {
  /** The job of a new request; false when the id is taken (a retried request). */
  create(id: string, job: Job): Promise<boolean>;
  addCopy(id: string, copy: MessageCopy): Promise<void>;
  get(id: string): Promise<ApprovalPosting | undefined>;
}

export class MemoryApprovalPostings implements ApprovalPostings {
  private readonly postings = new Map<string, ApprovalPosting>();

  async create(id: string, job: Job): Promise<boolean> {
    if (this.postings.has(id)) return false;
    this.postings.set(id, { job: structuredClone(job), copies: [] });
    return true;
  }

  async addCopy(id: string, copy: MessageCopy): Promise<void> {
    this.postings.get(id)?.copies.push({ ...copy });
  }

  async get(id: string): Promise<ApprovalPosting | undefined> {
    const found = this.postings.get(id);
    return found && structuredClone(found);
  }
}
