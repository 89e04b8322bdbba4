// Vitest global setup: one real redis-server for the whole run, its URL handed to tests through
// `inject('redisUrl')` (see test/support/redis.ts). Tests share it and keep apart by using a
// unique key prefix or queue name each; a test that restarts Redis starts its own server.
// And the CLI bundled from the sources as they are now, which the tests that start `nestor`
// processes run (see test/support/nestor-bundle.ts), and the application repository that
// `makeAppRepo` copies (test/support/git-fixtures.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildAppRepo } from './git-fixtures.js';
import { buildNestorBundle } from './nestor-bundle.js';
import { startRedis } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the redis-server started for this run. */
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Node 20 parses the whole NODE_EXTRA_CA_CERTS bundle at every start (about 80 ms of CPU for a
  // 220 KB one), and the run starts hundreds of node processes (vitest's forks, the CLI, tsx
  // children); none opens a TLS connection off this machine. The forks are started after this
  // setup, with its process.env.
  delete process.env.NODE_EXTRA_CA_CERTS;
  const bundle = buildNestorBundle();
  project.provide('nestorBundle', bundle.entry);
  const appRepoParent = mkdtempSync(join(tmpdir(), 'nestor-app-repo-'));
  project.provide('appRepo', buildAppRepo(appRepoParent));
  const server = await startRedis();
  project.provide('redisUrl', server.url);
  return async () => {
    bundle.remove();
    rmSync(appRepoParent, { recursive: true, force: true });
    await server.stop();
  };
}
