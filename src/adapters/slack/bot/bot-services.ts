// What the Slack listeners run over: ports only, built by the composition root (main/bot.ts) or
// by a test, never inside the listeners.
import type { Logger } from 'pino';
import type { EnvironmentPolicy } from '../../../core/commands/authorize.js';
import type { PeopleDirectory } from '../../../core/commands/people.js';
import type { ApprovalStore } from '../../../core/ports/approval-store.js';
import type { Clock } from '../../../core/ports/clock.js';
import type { ClusterProvider } from '../../../core/ports/cluster.js';
import type { ConfigSource } from '../../../core/ports/config-source.js';
import type { JobQueue } from '../../../core/ports/job-queue.js';
import type { ReleaseHistory } from '../../../core/ports/release-history.js';
import type { ScheduleQueue, ScheduleRuns } from '../../../core/ports/schedules.js';
import type { SourceRepo } from '../../../core/ports/source-repo.js';
import type { ApprovalPostings } from './approval-postings.js';

export interface BotServices {
  queue: JobQueue;
  approvals: ApprovalStore;
  /** The job waiting behind each approval request, and every message showing it. */
  postings: ApprovalPostings;
  config: ConfigSource;
  /** Resolves a ref to its sha when an approval is asked and when it is given. */
  source: SourceRepo;
  history: ReleaseHistory;
  /** For `status`: replicas ready per environment. `nestor bot` has none (no cluster credentials), so it shows none. */
  clusters?: ClusterProvider;
  /** For `schedules`: the workers' schedule queue (next firings) and run records. */
  schedules?: { queue: ScheduleQueue; runs: ScheduleRuns };
  /** Who may act on an environment (its merged `access` and `approval`). */
  policyOf(env: string): Promise<EnvironmentPolicy>;
  /** For `$NAME` values when an approval request renders what it would release. Default: none. */
  environment?: Readonly<Record<string, string | undefined>>;
  /** Who the names in `access.users` and `approval.approvers` are: people are matched by id. */
  people: PeopleDirectory;
  /** The teams of a Slack user, for `access.teams`. Default: none. */
  teamsOf?(userId: string): Promise<string[]>;
  /** Approvals: when they are asked, decided and expire. */
  clock: Clock;
  logger: Logger;
  /** Whether the queue's connection is up; when down, a command is told so at once instead of waiting. */
  queueReady?(): boolean;
  /** How long a slash command waits for the queue before telling the user it is unavailable. Default 2.5 s. */
  enqueueTimeoutMs?: number;
}
