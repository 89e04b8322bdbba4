import type { Clock } from '../../core/ports/clock.js';
import type { KubeSimulator } from './server.js';

/**
 * A clock for pipelines running against the simulator (or several, one per cluster): waiting is letting its controllers run,
 * and time moves by what was asked, so a rollout takes no wall time.
 */
export function settlingClock(
  sims: Pick<KubeSimulator, 'controllers'> | readonly Pick<KubeSimulator, 'controllers'>[], start = Date.parse('2026-11-30T10:00:00Z'),
): Clock {
  const all = Array.isArray(sims) ? sims : [sims as Pick<KubeSimulator, 'controllers'>];
  let now = start;
  return {
    now: () => now,
    // The signal is not needed: settling is quick and ends by itself.
    sleep: async (ms) => {
      now += ms;
      for (const sim of all) await sim.controllers.settle();
    },
  };
}
