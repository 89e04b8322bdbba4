// `nestor datastore snapshot|reset|list` on the example config (mary's cache in staging and dev3,
// here databases of the tests' redis-server) and a state folder of its own: a line per step, the
// listing, a reset of dev3 from staging's snapshot, a refused reset with its exit code, and a
// --from that is not a snapshot id refused before anything runs.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startKubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { runCli } from '../../support/cli-run.js';
import { EXAMPLE_CONFIG_DIR } from '../../support/config-fixtures.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { redisClient, redisUrl } from '../../support/redis.js';

afterAll(() => cleanupFixtures());

const [STAGING, DEV3, SCRATCH] = [11, 12, 13];

describe('nestor datastore', () => {
  it('snapshots staging, lists dev3 and resets it from that snapshot; refuses what it must, with its exit code', async () => {
    const url = (db: number) => `${redisUrl()}/${db}?scratch_db=${SCRATCH}`;
    // The simulator, for the reset's scale_down (nothing of mary runs there: nothing to scale).
    const sim = await startKubeSimulator({ port: 0 });
    const kubeconfig = await sim.writeKubeconfig(join(tempDir('nestor-ds-kube-'), 'kube'), ['kapten_dev_eu-w1', 'kapten_staging_eu-w1']);
    const env = { KUBECONFIG: kubeconfig, NESTOR_CONFIG: EXAMPLE_CONFIG_DIR, NESTOR_STATE: tempDir('nestor-ds-state-'), MARY_CACHE_STAGING: url(STAGING), MARY_CACHE_DEV3: url(DEV3), NESTOR_USER: 'alice' };
    const cli = (...argv: string[]) => runCli(argv, { cwd: tempDir('nestor-ds-cwd-'), env });
    const staging = redisClient({ db: STAGING });
    const dev3 = redisClient({ db: DEV3 });
    await staging.flushdb();
    await dev3.flushdb();
    await staging.set('greeting', 'hello from staging');
    await dev3.set('only-in-dev3', 'x');

    const snapshot = await cli('datastore', 'snapshot', 'staging');
    expect(snapshot).toMatchObject({ code: 0, stderr: '' });
    expect(snapshot.stdout).toMatch(/^\[snapshot\] started: datastore mary-cache of staging\n\[snapshot\] finished: mary-cache of staging \(\d+ B in \d+s\): staging\/mary-cache\/\S+\nsnapshotted mary-cache of staging/);
    const id = /staging\/mary-cache\/\S+?(?=\n|$)/.exec(snapshot.stdout)![0];

    const list = await cli('datastore', 'list', 'dev3');

    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`mary-cache (redis, app mary) in dev3: `);
    expect(list.stdout).toContain(`  snapshots of staging:\n    ${id}  `);

    const reset = await cli('datastore', 'reset', 'dev3', 'mary-cache', '--from', id);
    expect(reset).toMatchObject({ code: 0, stderr: '' });
    expect(reset.stdout).toContain(`reset mary-cache of dev3 from ${id} (`);
    expect(await dev3.get('greeting')).toBe('hello from staging');
    expect(await dev3.exists('only-in-dev3')).toBe(0);

    const dev1 = await cli('datastore', 'reset', 'dev1');
    expect(dev1).toMatchObject({ code: 3, stdout: '' });
    expect(dev1.stderr).toContain('datastore mary-cache of dev1 may not be reset: its connection $MARY_CACHE_STAGING is set for staging and inherited');
    const bad = await cli('datastore', 'reset', 'dev3', '--from', '../../etc/passwd');
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain('invalid snapshot "../../etc/passwd"');
    await sim.close();
  });
});
