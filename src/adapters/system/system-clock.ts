import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../core/ports/clock.js';

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal ? { signal } : undefined);
  },
};
