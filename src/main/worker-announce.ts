// Release announcements from the worker: once a pipeline returns, its result is announced in the
// environment's channel (announceRelease: info, or error for a failure) without holding up the
// job; `settled()` waits for those in flight (shutdown, tests). A failed announcement is logged:
// the release is recorded whatever Slack does.
import type { Logger } from 'pino';
import { announceRelease, logDeliveries, type AnnounceDeps, type AnnounceInput, type DeliveryObserver } from '../adapters/slack/notifier/index.js';
import { appConfig } from '../core/config/index.js';
import type { ReleaseDeployments, ReleaseStart } from '../core/code-host/release-deployments.js';
import type { ReleaseContext, ReleaseDeps, ReleaseResult } from '../core/release/release-deps.js';

export interface Announcer {
  /** A release starts: its code host Deployment (when the app's origin is hosted there) is created, in progress. */
  begin(ctx: ReleaseContext, start: Omit<ReleaseStart, 'jobId'>): void;
  after(deps: ReleaseDeps, ctx: ReleaseContext, started: number, result: ReleaseResult, approvedBy?: string): ReleaseResult;
  /** A release begun threw instead of returning its result: its Deployment fails. */
  threw(ctx: ReleaseContext, error: unknown): void;
  settled(): Promise<void>;
}

/** Delivers one announcement: posts it to Slack, or prints it (the shell). */
export type Deliver = (deps: ReleaseDeps, input: AnnounceInput) => Promise<void>;

/** An Announcer over `deliver`, keeping what is in flight; a failure goes to `failed`, never to the job. */
export function announcerOf(
  deliver: Deliver, failed: (error: unknown, ctx: ReleaseContext, result: ReleaseResult) => void, deployments?: ReleaseDeployments,
): Announcer {
  const inFlight = new Set<Promise<void>>();
  // The Deployment of each release begun, by job; a release announced without a begin (a schedule's) gets one at its end.
  const begun = new Map<string, { start: Omit<ReleaseStart, 'jobId'>; end: (result: ReleaseResult) => void }>();
  const announce = async (deps: ReleaseDeps, ctx: ReleaseContext, started: number, result: ReleaseResult, approvedBy?: string): Promise<void> => {
    // The pipeline's own merge when it got that far; a result without one (a config change that only committed) reads it again.
    const config = result.config ?? appConfig((await deps.config.load()).tree, result.app, result.env).config;
    await deliver(deps, { result, config, user: ctx.user, approvedBy, durationMs: deps.wallClock.now() - started, jobId: ctx.jobId });
  };
  return {
    begin: (ctx, start) => {
      if (deployments) begun.set(ctx.jobId, { start, end: deployments.begin({ ...start, jobId: ctx.jobId }) });
    },
    threw: (ctx, error) => {
      const release = begun.get(ctx.jobId);
      begun.delete(ctx.jobId);
      const message = error instanceof Error ? error.message : String(error);
      release?.end({ outcome: 'failed', app: release.start.app, env: release.start.env, message, historyPending: false, changes: [], failures: [], diff: '' });
    },
    after: (deps, ctx, started, result, approvedBy) => {
      const deployed = begun.get(ctx.jobId)?.end ?? deployments?.begin({ app: result.app, env: result.env, jobId: ctx.jobId });
      begun.delete(ctx.jobId);
      deployed?.(result);
      const done = announce(deps, ctx, started, result, approvedBy)
        .catch((error: unknown) => failed(error, ctx, result))
        .finally(() => inFlight.delete(done));
      inFlight.add(done);
      return result;
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      await deployments?.settled();
    },
  };
}

export function announcer(slack: AnnounceDeps['slack'], logger: Logger, deployments?: ReleaseDeployments, observe: DeliveryObserver = logDeliveries(logger)): Announcer {
  return announcerOf(
    async (deps, input) => {
      await announceRelease({ slack, source: deps.source, history: deps.history, observe }, input);
    },
    (error, ctx, result) => logger.warn({ err: error, jobId: ctx.jobId, app: result.app, env: result.env }, 'release announcement failed'),
    deployments,
  );
}
