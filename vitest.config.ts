import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const timeouts = { testTimeout: 30_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    // One test file more than CPUs, not vitest's CPUs - 1: the tests mostly wait on child
    // processes, git, Redis and the simulator. On 2 cores (192 files), three files at once take the
    // suite from 10.7 to 9.5 minutes, measured back to back on a quiet machine.
    maxWorkers: availableParallelism() + 1,
    // Run once for both projects (they do not extend this config): Redis and the CLI bundle.
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      {
        // Pure unit tests (no processes, servers or global state): their files share workers and
        // the modules those load, instead of loading the sources again in a fresh fork per file.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], pool: 'threads', isolate: false, ...timeouts },
      },
      {
        test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: ['test/unit/**'], pool: 'forks', ...timeouts },
      },
    ],
  },
});
