import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One test file per CPU, not vitest's CPUs - 1: the tests mostly wait on child processes, git,
    // Redis and the simulator, so on 2 cores two files at once take the suite from ~10 to ~6 minutes.
    maxWorkers: Math.max(2, availableParallelism()),
    globalSetup: ['test/support/global-setup.ts'],
  },
});
