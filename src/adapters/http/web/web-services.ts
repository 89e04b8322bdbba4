// What the web view runs over: the API's services (config, history, approvals, queue, Slack
// client, people) plus the queue as operators look at it, the BullMQ queues of the board, and
// the sign-in settings. Built by the composition root (main/api.ts) or by a test.
import type { Queue } from 'bullmq';
import type { DriftBoard } from '../../../core/ports/drift-board.js';
import type { JobListing } from '../../../core/ports/job-listing.js';
import type { ApiServices } from '../api-services.js';
import type { SignInSettings } from './slack-sign-in.js';

export interface WebOptions {
  signIn: SignInSettings;
  /** Signs the session cookie. */
  sessionSecret: string;
  listing: JobListing;
  /** What Bull Board shows. */
  boardQueues: Queue[];
  /** The live drift workers publish (the api reaches no cluster). */
  drift: Pick<DriftBoard, 'read'>;
  /** The Slack workspace people must sign in from (the bot's); undefined: any. */
  workspace(): Promise<string | undefined>;
}

export type WebServices = Omit<ApiServices, 'web'> & { web: WebOptions };
