// The real `nestor worker` publishes live drift on the Redis drift board the web view reads: after
// a release it ends (its app in sync), after a sync report it runs (what differs in the cluster,
// by name). Read back through the board's Redis adapter, as the api process reads it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisDriftBoard } from '../../../src/adapters/redis/redis-drift-board.js';
import type { Job } from '../../../src/core/jobs/job-schema.js';
import type { DriftEntry } from '../../../src/core/ports/drift-board.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { jobQueueClient } from '../../support/job-queue-client.js';
import { processWorld } from '../../support/nestor-processes.js';
import { redisClient } from '../../support/redis.js';

afterAll(cleanupFixtures);

const run = promisify(execFile);

describe('nestor worker: live drift', () => {
  it('publishes an app in sync after its release, then what a report found edited by hand', async (ctx) => {
    const world = await processWorld(ctx);
    const worker = world.start('worker');
    await worker.log('worker started');
    const queue = jobQueueClient(ctx, world.redis.url);
    const board = new RedisDriftBoard(redisClient({}, world.redis.url));
    const dev3 = async (): Promise<Map<string, DriftEntry>> => (await board.read(['dev3'])).get('dev3')!;
    const finished = async (job: Job, id: string) => {
      await queue.enqueue(job, { idempotencyKey: id });
      return eventually(`${id} to complete`, async () => (await queue.get(id))?.result, 90_000);
    };
    expect(await dev3()).toEqual(new Map());

    const before = new Date().toISOString();
    const released = await finished({ kind: 'deploy', app: 'mary', env: 'dev3', ref: 'main', trigger: 'user', user: 'alice', origin: { kind: 'cli' } }, 'deploy-1');
    expect(released.outcome).toBe('released');
    // Published beside the announcement, not before the job's result.
    const inSync = await eventually('mary on the board', async () => (await dev3()).get('mary'), 30_000);
    expect(inSync).toEqual({ state: 'clean', changes: [], checkedAt: expect.any(String), source: 'release' });
    expect(inSync.checkedAt >= before).toBe(true);

    // Someone deletes mary's Service by hand; a report of dev3 reads the cluster.
    const dir = tempDir('nestor-kubectl-');
    const kubeconfig = await world.sim.writeKubeconfig(dir, ['kapten_dev_eu-w1']);
    await run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'delete', 'service', 'mary', '-n', 'dev3']);
    const reported = await finished({ kind: 'report', env: 'dev3', user: 'alice', origin: { kind: 'cli' } }, 'report-1');
    expect(reported.outcome).toBe('reported');
    const drifted = (await dev3()).get('mary');
    expect(drifted).toEqual({ state: 'drifted', changes: ['deleted Service dev3/mary'], checkedAt: expect.any(String), source: 'report' });
    expect(drifted!.checkedAt > inSync.checkedAt).toBe(true);
    // Only released apps have an entry.
    expect([...(await dev3()).keys()]).toEqual(['mary']);
  }, 240_000);
});
