// Release announcements from the worker: once a pipeline returns, its result is announced in the
// environment's channel (announceRelease: info, or error for a failure) without holding up the
// job; `settled()` waits for those in flight (shutdown, tests). A failed announcement is logged:
// the release is recorded whatever Slack does.
import type { Logger } from 'pino';
import { announceRelease, logDeliveries, type AnnounceDeps, type AnnounceInput } from '../adapters/slack/notifier/index.js';
import { appConfig } from '../core/config/index.js';
import type { ReleaseContext, ReleaseDeps, ReleaseResult } from '../core/release/release-deps.js';

export interface Announcer {
  after(deps: ReleaseDeps, ctx: ReleaseContext, started: number, result: ReleaseResult, approvedBy?: string): ReleaseResult;
  settled(): Promise<void>;
}

/** Delivers one announcement: posts it to Slack, or prints it (the shell). */
export type Deliver = (deps: ReleaseDeps, input: AnnounceInput) => Promise<void>;

/** An Announcer over `deliver`, keeping what is in flight; a failure goes to `failed`, never to the job. */
export function announcerOf(deliver: Deliver, failed: (error: unknown, ctx: ReleaseContext, result: ReleaseResult) => void): Announcer {
  const inFlight = new Set<Promise<void>>();
  const announce = async (deps: ReleaseDeps, ctx: ReleaseContext, started: number, result: ReleaseResult, approvedBy?: string): Promise<void> => {
    // The pipeline's own merge when it got that far; a result without one (a config change that only committed) reads it again.
    const config = result.config ?? appConfig((await deps.config.load()).tree, result.app, result.env).config;
    await deliver(deps, { result, config, user: ctx.user, approvedBy, durationMs: deps.wallClock.now() - started, jobId: ctx.jobId });
  };
  return {
    after: (deps, ctx, started, result, approvedBy) => {
      const done = announce(deps, ctx, started, result, approvedBy)
        .catch((error: unknown) => failed(error, ctx, result))
        .finally(() => inFlight.delete(done));
      inFlight.add(done);
      return result;
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

export function announcer(slack: AnnounceDeps['slack'], logger: Logger): Announcer {
  return announcerOf(
    async (deps, input) => {
      await announceRelease({ slack, source: deps.source, history: deps.history, observe: logDeliveries(logger) }, input);
    },
    (error, ctx, result) => logger.warn({ err: error, jobId: ctx.jobId, app: result.app, env: result.env }, 'release announcement failed'),
  );
}
