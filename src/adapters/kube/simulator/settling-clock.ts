import type { Clock } from '../../../core/ports/clock.js';
import type { KubeSimulator } from './server.js';

/**
 * A clock for pipelines running against the simulator: waiting is letting its controllers run,
 * and time moves by what was asked, so a rollout takes no wall time.
 */
export function settlingClock(sim: Pick<KubeSimulator, 'controllers'>, start = Date.parse('2026-11-30T10:00:00Z')): Clock {
  let now = start;
  return {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
      await sim.controllers.settle();
    },
  };
}
