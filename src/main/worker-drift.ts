// A worker's releases on the drift board: once a release pipeline returns, its app's live drift as
// the release knows it (live-drift-board.ts: in sync when it applied, unknown when it failed) is
// published for the web view, beside the announcement and without holding up the job. A failed
// publish is logged: the release stands whatever Redis does. `settled()` waits for both.
import type { Logger } from 'pino';
import { releaseDriftEntry } from '../core/fleet/live-drift-board.js';
import type { Clock } from '../core/ports/clock.js';
import type { DriftBoard } from '../core/ports/drift-board.js';
import type { Announcer } from './worker-announce.js';

export function publishingDrift(announce: Announcer, board: Pick<DriftBoard, 'publish'>, clock: Pick<Clock, 'now'>, logger: Logger): Announcer {
  const inFlight = new Set<Promise<void>>();
  return {
    ...announce,
    after: (deps, ctx, started, result, approvedBy) => {
      const entry = releaseDriftEntry(result, new Date(clock.now()).toISOString());
      if (entry) {
        const done = board.publish(result.env, new Map([[result.app, entry]]))
          .catch((error: unknown) => logger.warn({ err: error, jobId: ctx.jobId, app: result.app, env: result.env }, 'live drift not published'))
          .finally(() => inFlight.delete(done));
        inFlight.add(done);
      }
      return announce.after(deps, ctx, started, result, approvedBy);
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      await announce.settled();
    },
  };
}
