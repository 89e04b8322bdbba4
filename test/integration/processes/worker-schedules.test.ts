// Two real `nestor worker` processes on one Redis and the example config: both reconcile the
// schedules as they start (one scheduler and one pending firing per schedule, however they
// race), a firing runs in exactly one of them, and SIGTERM stops both cleanly.
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqScheduleQueue } from '../../../src/adapters/schedules/bullmq-schedule-queue.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { processWorld } from '../../support/nestor-processes.js';
import { redisClient } from '../../support/redis.js';

afterAll(cleanupFixtures);

describe('nestor worker processes and the schedules', () => {
  it('reconcile at start into one scheduler per schedule; a firing runs in one worker; SIGTERM stops both', async (ctx) => {
    const world = await processWorld(ctx);
    const workers = [world.start('worker'), world.start('worker')];
    await Promise.all(workers.map((w) => w.log('schedules reconciled')));
    const queue = new BullmqScheduleQueue({ connection: redisClient({}, world.redis.url) });
    ctx.onTestFinished(() => queue.close());
    const schedulers = await queue.queue.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => s.key).sort()).toEqual([
      'nestor:dev1:config-sync', 'nestor:dev1:report', 'nestor:dev1:version-sync', 'nestor:dev2:config-sync', 'nestor:dev2:report',
      'nestor:dev2:version-sync', 'nestor:dev3:config-sync', 'nestor:dev3:report', 'nestor:dev3:version-sync', 'nestor:staging:datastore-nightly',
      'nestor:staging:staging-release',
    ]);
    const pending = await queue.queue.getDelayed();
    expect(pending.map((j) => j.repeatJobKey).sort()).toEqual(schedulers.map((s) => s.key).sort());

    const firingId = await queue.fireNow({ env: 'staging', name: 'staging-release' }, 'alice');
    const fired = (w: (typeof workers)[number]) => w.logs.filter((l) => l.msg === 'schedule fired' && l.firingId === firingId);
    await eventually('the firing to run', () => workers.some((w) => fired(w).length > 0), 60_000);
    // Whatever its outcome (its kind's pipeline may be there or not yet): one run, in one worker.
    expect(workers.flatMap(fired)).toEqual([expect.objectContaining({ schedule: 'staging/staging-release' })]);

    for (const w of workers) w.child.kill('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
  }, 240_000);
});
