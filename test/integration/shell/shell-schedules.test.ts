// `schedule run` in `nestor shell`: a firing of the demo world's schedules runs at once on an
// in-process scheduler (no Redis, no worker) through the worker's pipelines, recorded as a worker
// records it; the datastore nightly resets dev3's cache from staging's in the demo's redis-server
// and prints what Slack would get.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { main } from '../../../src/main/cli.js';
import { EXAMPLE_CONFIG, runShell } from '../../../src/main/shell.js';
import { shellSchedules } from '../../../src/testkit/demo-schedules.js';
import { startDemoWorld, type DemoWorld } from '../../../src/testkit/demo-world.js';
import { redisClient } from '../../support/redis.js';

let world: DemoWorld;
// One io for the file: the world's scheduler keeps the handlers (and their output) of its first shell.
let text = '';
const io = (): CliIo => ({
  out: (s) => void (text += s), err: (s) => void (text += s), env: {}, cwd: world.root, user: 'newcomer',
  releaseDeps: () => {
    throw new Error('the shell must use its world');
  },
});
beforeAll(async () => {
  world = await startDemoWorld(EXAMPLE_CONFIG);
});
afterAll(async () => {
  await world.close();
});

describe('the shell and the schedules', () => {
  it('fires a schedule in this process; its run is recorded and its next firing known', async () => {
    text = '';
    await runShell(Readable.from(['schedule run dev3/report', 'schedule run report', 'schedule run staging-release', 'schedules', 'exit'].map((l) => `${l}\n`)), io(), main, world);
    expect(text).toContain('fired dev3/report (report) as job now-dev3-report-1: ran here;');
    expect(text).toContain('nestor: schedule "report" is in several environments: say which (dev1/report, dev2/report, dev3/report)');
    const { runs, queue } = await shellSchedules(world);
    expect((await runs.records(['nestor:dev3:report'])).get('nestor:dev3:report')).toMatchObject({
      last: { firingId: 'now-dev3-report-1', trigger: 'now', by: 'newcomer', status: 'succeeded' },
    });
    expect(text).toContain('dev3: 3 apps: all in sync (3 never released)');
    expect(text).toMatch(/released {2}mary [0-9a-f]{7}: deployed mary@[0-9a-f]{7} \(master\) to staging/);
    expect(text).toContain('staging follows master: 3 apps: 3 released, 0 unchanged');
    expect([...(await queue.nextFirings()).keys()]).toContain('nestor:staging:staging-release');
    // `schedules` answers as Slack does, from the same in-process scheduler.
    expect(text).toContain('staging-release (staging-release, */30 * * * *): next');
    expect(text).toMatch(/report \(report, [^)]*\): next [^;]*; last run: succeeded at [^(]*\(dev3: 3 apps: all in sync \(3 never released\)\), run by newcomer/);
  });

  it('runs the datastore nightly of staging: dev3\'s cache holds staging\'s keys, and the summary and its thread are printed as Slack would get them', async () => {
    text = '';
    const dev3 = redisClient({}, world.settings['MARY_CACHE_DEV3']!.replace(/\?.*$/, ''));
    await dev3.set('only-in-dev3', 'x');
    await runShell(Readable.from(['schedule run datastore-nightly', 'exit'].map((l) => `${l}\n`)), io(), main, world);
    expect(text).toMatch(/fired staging\/datastore-nightly \(datastore-nightly\) as job now-staging-datastore-nightly-\d+: ran here;/);
    expect(text).toContain('schedule datastore-nightly (datastore-nightly) in staging, what a worker posts in #tech-release-staging:\n✓ Datastores reset from staging\n  datastores from staging: 1 reset, 0 failed, 1 snapshot of staging\n');
    expect(text).toMatch(/ {2}Reset \(1\):\n {4}mary-cache of dev3 from staging\/mary-cache\/\S+ \(\d+ B in \d+s\)\n/);
    expect(text).toContain('Reset of mary-cache in dev3: done in');
    expect(await dev3.get('greeting')).toBe('hello from staging');
    expect(await dev3.exists('only-in-dev3')).toBe(0);
    const { runs } = await shellSchedules(world);
    expect((await runs.records(['nestor:staging:datastore-nightly'])).get('nestor:staging:datastore-nightly')).toMatchObject({
      last: { trigger: 'now', by: 'newcomer', status: 'succeeded' },
    });
  });
});
