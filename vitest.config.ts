import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const timeouts = { testTimeout: 30_000, hookTimeout: 30_000 };

/**
 * Integration files that share their forks and the modules those load (isolate: false), as the
 * unit tests do: each test makes its own world (simulator, repositories, release fixture) and
 * leaves no global state behind. Loading the release stack once per fork instead of once per
 * file took a third less CPU over these folders (89 s against 61 s). A file that mocks a module
 * (vi.mock) or changes the process's global state runs in a fresh fork of its own.
 */
const SHARED_FOLDERS = ['test/integration/release', 'test/integration/kube-sim'];
const OWN_FORK = new Set(['test/integration/release/one-merge.test.ts']);
const sharedForks = SHARED_FOLDERS.flatMap((folder) => readdirSync(new URL(`${folder}/`, import.meta.url)).filter((f) => f.endsWith('.test.ts')).map((f) => `${folder}/${f}`)).filter((f) => !OWN_FORK.has(f));

export default defineConfig({
  test: {
    // One test file more than CPUs, not vitest's CPUs - 1: the tests mostly wait on child
    // processes, git, Redis and the simulator. On 2 cores (192 files), three files at once take the
    // suite from 10.7 to 9.5 minutes, measured back to back on a quiet machine.
    maxWorkers: availableParallelism() + 1,
    // Run once for every project (they do not extend this config): Redis, the CLI bundle and the
    // application repository the tests copy.
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      {
        // Pure unit tests (no processes, servers or global state): their files share workers and
        // the modules those load, instead of loading the sources again in a fresh fork per file.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], pool: 'threads', isolate: false, ...timeouts },
      },
      {
        test: { name: 'integration-shared', include: sharedForks, pool: 'forks', isolate: false, ...timeouts },
      },
      {
        test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: ['test/unit/**', ...sharedForks], pool: 'forks', ...timeouts },
      },
    ],
  },
});
