// The sweep of approval requests, run by every bot process on a small interval. Each pass lists
// the requests still pending past their expiry, records each expiry by compare-and-set
// (expireStored: of several bot processes sweeping at once, exactly one records it) and, only in
// the process that recorded it, updates every posted copy of the message to its expired state,
// without buttons. A later click is refused ("already expired") and queues nothing. The pass then
// finishes the follow-ups of decided requests that nobody finished within their lease (a bot that
// died after a decision, a copy Slack did not take, a queue that was unavailable), each taken by
// one process only. Time comes from the services' clock; the interval timer is injected so that
// tests fire it by hand. A pass that fails is logged and the next one tries again.
import { expireStored } from '../../../core/commands/approval-flow.js';
import type { ApprovalRequest } from '../../../core/commands/approval.js';
import { followUpDecision, type Enqueue } from './approval-follow-up.js';
import type { SlackClient } from './approval-request.js';
import type { BotServices } from './bot-services.js';
import { DEFAULT_ENQUEUE_TIMEOUT_MS, enqueueInTime, readiness } from './enqueue-reply.js';

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
  /** Decided requests whose unfinished follow-ups this pass took over and finished. */
  settled: string[];
}

export type SweepServices = Pick<BotServices, 'approvals' | 'postings' | 'queue' | 'clock' | 'logger' | 'enqueueTimeoutMs' | 'queueReady'>;

/** One pass: expires what is due (updating its copies), then finishes follow-ups left undone. */
export async function sweepExpiredApprovals(services: SweepServices, client: SlackClient, batch = DEFAULT_SWEEP_BATCH): Promise<SweepReport> {
  const now = new Date(services.clock.now());
  const expired: string[] = [];
  for (const request of await services.approvals.listPending({ expiringBy: now, limit: batch })) {
    if (await expireOne(services, client, request, now)) expired.push(request.id);
  }
  const settled: string[] = [];
  for (const request of await services.approvals.listUnsettled({ dueBy: now, limit: batch })) {
    if (await resumeOne(services, client, request, now)) settled.push(request.id);
  }
  return { expired, settled };
}

const logOf = (services: SweepServices, request: ApprovalRequest) => services.logger.child({ approval: request.id, app: request.app, env: request.env });

/** True when every follow-up of the decided request is done. */
async function followUp(services: SweepServices, client: SlackClient, request: ApprovalRequest): Promise<boolean> {
  const log = logOf(services, request);
  const timeoutMs = services.enqueueTimeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS;
  const enqueue: Enqueue = (job, key) => enqueueInTime({ queue: services.queue, job, key, timeoutMs, clock: services.clock, logger: log, ...readiness(services) }, () => undefined);
  const posting = await services.postings.get(request.id);
  return (await followUpDecision(services, client, request, posting, enqueue)).settled;
}

async function expireOne(services: SweepServices, client: SlackClient, request: ApprovalRequest, now: Date): Promise<boolean> {
  const log = logOf(services, request);
  try {
    const result = await expireStored(services.approvals, request, now);
    if (!result.expired) return false;
    log.info({ expiresAt: request.expiresAt, requester: request.requester.name }, 'approval expired');
    await followUp(services, client, result.request);
    return true;
  } catch (error) {
    log.warn({ err: error }, 'approval expiry failed');
    return false;
  }
}

async function resumeOne(services: SweepServices, client: SlackClient, request: ApprovalRequest, now: Date): Promise<boolean> {
  const log = logOf(services, request);
  try {
    if (!(await services.approvals.claimFollowUp(request.id, now))) return false;
    const settled = await followUp(services, client, request);
    log.info({ state: request.state, settled }, 'approval follow-ups resumed');
    return settled;
  } catch (error) {
    log.warn({ err: error }, 'approval follow-ups failed');
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
