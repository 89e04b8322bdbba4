// The sweep of expired approval requests, run by every bot process on a small interval. Each
// pass lists the requests still pending past their expiry, records each expiry by
// compare-and-set (expireStored: of several bot processes sweeping at once, exactly one records
// it) and, only in the process that recorded it, updates every posted copy of the message to its
// expired state, without buttons. A later click is refused ("already expired") and queues
// nothing. Time comes from the services' clock; the interval timer is injected so that tests
// fire it by hand. A pass that fails is logged and the next one tries again.
import { expireStored } from '../../../core/commands/approval-flow.js';
import type { ApprovalRequest } from '../../../core/commands/approval.js';
import { updateCopies, type SlackClient } from './approval-request.js';
import type { BotServices } from './bot-services.js';

export const DEFAULT_SWEEP_INTERVAL_MS = 30_000;
/** Requests expired in one pass at most; the rest are left for the next. */
export const DEFAULT_SWEEP_BATCH = 50;

/** An interval timer: `tick` is called every `ms` until cleared (and its promise never rejects). */
export interface IntervalTimers {
  setInterval(tick: () => Promise<void>, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Node's timers, unref'd: a pending sweep never keeps the process alive. */
export const realIntervals: IntervalTimers = {
  setInterval: (tick, ms) => setInterval(() => void tick(), ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface SweepReport {
  /** The requests this pass expired (not those another process expired first). */
  expired: string[];
}

export type SweepServices = Pick<BotServices, 'approvals' | 'postings' | 'now' | 'logger'>;

/** One pass: expires what is due, and updates the copies of each request this pass expired. */
export async function sweepExpiredApprovals(services: SweepServices, client: SlackClient, batch = DEFAULT_SWEEP_BATCH): Promise<SweepReport> {
  const now = services.now();
  const due = await services.approvals.listPending({ expiringBy: now, limit: batch });
  const expired: string[] = [];
  for (const request of due) {
    const done = await expireOne(services, client, request, now);
    if (done) expired.push(request.id);
  }
  return { expired };
}

async function expireOne(services: SweepServices, client: SlackClient, request: ApprovalRequest, now: Date): Promise<boolean> {
  const log = services.logger.child({ approval: request.id, app: request.app, env: request.env });
  try {
    const result = await expireStored(services.approvals, request, now);
    if (!result.expired) return false;
    log.info({ expiresAt: request.expiresAt, requester: request.requester.name }, 'approval expired');
    const posting = await services.postings.get(request.id);
    await updateCopies(services, client, result.request, posting?.copies ?? []);
    return true;
  } catch (error) {
    log.warn({ err: error }, 'approval expiry failed');
    return false;
  }
}

export interface ApprovalSweeperOptions {
  intervalMs?: number;
  batch?: number;
  timers?: IntervalTimers;
}

export interface ApprovalSweeper {
  /** Runs a pass now (or waits for the one in flight and runs another). */
  sweep(): Promise<SweepReport>;
  /** Clears the timer and waits for a pass in flight. */
  stop(): Promise<void>;
}

/** Sweeps every `intervalMs` (default 30 s), one pass at a time: a tick while one runs is skipped. */
export function startApprovalSweeper(services: SweepServices, client: SlackClient, options: ApprovalSweeperOptions = {}): ApprovalSweeper {
  const timers = options.timers ?? realIntervals;
  let running: Promise<SweepReport> | undefined;
  let stopped = false;
  const pass = (): Promise<SweepReport> => {
    const run = sweepExpiredApprovals(services, client, options.batch).finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };
  const tick = async (): Promise<void> => {
    if (stopped || running) return;
    await pass().catch((error: unknown) => services.logger.warn({ err: error }, 'approval sweep failed'));
  };
  const handle = timers.setInterval(tick, options.intervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
  return {
    sweep: async () => {
      while (running) await running.catch(() => undefined);
      return pass();
    },
    stop: async () => {
      stopped = true;
      timers.clearInterval(handle);
      await running?.catch(() => undefined);
    },
  };
}
