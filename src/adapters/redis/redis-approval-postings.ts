// ApprovalPostings on Redis: `<prefix><id>:job` (set once, NX) and `<prefix><id>:copies` (a
// list of "channel ts"), kept as long as the requests themselves.
import type { Redis } from 'ioredis';
import type { Job } from '../../core/jobs/job-schema.js';
import type { ApprovalPosting, ApprovalPostings, MessageCopy } from '../slack/bot/approval-postings.js';
import { redisCall } from './redis-call.js';

export interface RedisApprovalPostingsOptions {
  redis: Redis;
  /** Default `nestor:approval-posting:`. */
  prefix?: string;
  keepSeconds?: number;
}

export class RedisApprovalPostings implements ApprovalPostings {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttl: number;

  constructor(options: RedisApprovalPostingsOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? 'nestor:approval-posting:';
    this.ttl = options.keepSeconds ?? 7 * 86_400;
  }

  async create(id: string, job: Job): Promise<boolean> {
    const json = JSON.stringify(job);
    return (await redisCall(`keep the job of approval request ${id}`, () => this.redis.set(`${this.prefix}${id}:job`, json, 'EX', this.ttl, 'NX'))) === 'OK';
  }

  async addCopy(id: string, copy: MessageCopy): Promise<void> {
    const key = `${this.prefix}${id}:copies`;
    await redisCall(`keep a message of approval request ${id}`, () => this.redis.multi().rpush(key, `${copy.channel} ${copy.ts}`).expire(key, this.ttl).exec());
  }

  async get(id: string): Promise<ApprovalPosting | undefined> {
    const [job, copies] = await redisCall(`read the postings of approval request ${id}`, () =>
      Promise.all([this.redis.get(`${this.prefix}${id}:job`), this.redis.lrange(`${this.prefix}${id}:copies`, 0, -1)]));
    if (job === null) return undefined;
    return {
      job: JSON.parse(job) as Job,
      copies: copies.map((c) => {
        const [channel = '', ts = ''] = c.split(' ');
        return { channel, ts };
      }),
    };
  }
}
