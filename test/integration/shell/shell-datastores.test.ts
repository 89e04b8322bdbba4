// The demo shell snapshots and resets a local database: mary's cache in the demo's redis-server,
// staging's snapshot restored into dev3, as `datastore snapshot|reset|list` do everywhere.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { main } from '../../../src/main/cli.js';
import { EXAMPLE_CONFIG, runShell } from '../../../src/main/shell.js';
import { startDemoWorld, type DemoWorld } from '../../../src/testkit/demo-world.js';
import { redisClient } from '../../support/redis.js';

let world: DemoWorld;
beforeAll(async () => {
  world = await startDemoWorld(EXAMPLE_CONFIG);
});
afterAll(async () => {
  await world.close();
});

describe('nestor shell: datastores', () => {
  it('snapshots staging\'s cache, lists dev3\'s, and resets dev3 from the snapshot', async () => {
    let out = '';
    const io: CliIo = {
      out: (s) => void (out += s), err: (s) => void (out += s), env: { NESTOR_USER: 'newcomer' }, cwd: world.root, user: 'newcomer',
      releaseDeps: () => {
        throw new Error('the shell must use its world');
      },
    };
    const dev3 = redisClient({}, world.settings.MARY_CACHE_DEV3!.replace(/\?.*$/, ''));
    await dev3.set('written-in-dev3', 'x');
    const lines = ['datastore snapshot staging', 'datastore list dev3', 'datastore reset dev3 mary-cache', 'datastore reset production', 'datastore list dev3'];
    await runShell(Readable.from(lines.map((l) => `${l}\n`)), io, main, world);
    expect(out).toMatch(/✓ datastore snapshot staging\n {2}datastore snapshot staging: snapshotted mary-cache of staging \(\d+ B in \d+s\): staging\/mary-cache\/\S+\n/);
    expect(out).toMatch(/mary-cache \(redis, app mary\) in dev3: \d+ B; resets from staging nightly, mary scaled down around it\n {2}last reset: never\n {2}snapshots of dev3: none\n {2}snapshots of staging:\n {4}staging\/mary-cache\//);
    expect(out).toMatch(/✓ datastore reset dev3 mary-cache\n {2}datastore reset dev3 mary-cache: reset mary-cache of dev3 from staging\/mary-cache\/\S+ \(\d+ B in \d+s\)\n {2}✓ snapshot — staging\/mary-cache\/\S+ \(\d+ B\)\n {2}✓ scale-down — nothing running\n {2}✓ restore — datastore mary-cache of dev3 holds staging\/mary-cache\/\S+\n {2}✓ scale-up — nothing to bring back\n/);
    expect(out).toContain('✗ datastore reset production\n  datastore reset production: production has no datastores: declare them under datastores: in its project.yaml or an app file\n');
    // The second listing says which snapshot dev3 holds since, and which job put it there.
    expect(out).toMatch(/ {2}last reset: [^\n]* from staging\/mary-cache\/\S+, job shell-[0-9a-f-]+\n/);
    expect(await dev3.get('greeting')).toBe('hello from staging');
    expect(await dev3.exists('written-in-dev3')).toBe(0);
  });
});
