// The demo shows the release phase and admin processes: `deploy mary migrating dev3` runs the
// Procfile's `release:` as a Job before applying, and `run` a one-off process in the running release.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { startDemoWorld, type DemoWorld } from '../../../src/testkit/demo-world.js';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { main } from '../../../src/main/cli.js';
import { EXAMPLE_CONFIG, runShell } from '../../../src/main/shell.js';

let world: DemoWorld;
beforeAll(async () => {
  world = await startDemoWorld(EXAMPLE_CONFIG);
});
afterAll(async () => {
  await world.close();
});

describe('nestor shell: release phase and run', { timeout: 120_000 }, () => {
  it('runs the release phase of the migrating branch, then a one-off process in the running release', async () => {
    let out = '';
    const io: CliIo = {
      out: (s) => void (out += s), err: (s) => void (out += s), env: { NESTOR_USER: 'newcomer' }, cwd: world.root, user: 'newcomer',
      releaseDeps: () => {
        throw new Error('the shell must use its world');
      },
    };
    await runShell(Readable.from(['deploy mary migrating dev3\n', 'run mary dev3 -- node scripts/migrate.js\n']), io, main, world);
    expect(out).toMatch(/✓ release-phase — `node scripts\/migrate\.js` completed \(Job dev3\/mary-release-[0-9a-f]+\)\n/);
    expect(out).toMatch(/deployed mary@[0-9a-f]{7} \(migrating\) to dev3\n/);
    expect(out).toMatch(/`node scripts\/migrate\.js` in mary@[0-9a-f]{7} \(dev3\): Job dev3\/mary-run-[0-9a-f]+ ended with exit code 0/);
    const jobs = world.sim.store.list(typeOf('Job'), 'dev3').map((j) => j.metadata['name'] as string);
    expect(jobs.some((n) => n.startsWith('mary-release-'))).toBe(true);
    expect(jobs.some((n) => n.startsWith('mary-run-'))).toBe(true);
  });
});
