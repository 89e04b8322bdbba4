// Real worker processes: one SIGKILLed mid-job (the job runs again elsewhere, history gets one
// commit, no lock is left behind) and one sent SIGTERM (finishes its job, takes no other).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appLockKey } from '../../../src/core/ports/locks.js';
import { eventually } from '../../support/eventually.js';
import { callLines, filePipeline, historyLines, type PipelineMode } from '../../support/file-pipeline.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { deployJob } from '../../support/job-fixtures.js';
import { FAST, SHORT_HOLD, queueWorld, type QueueWorld } from '../../support/queue-world.js';
import { redisUrl } from '../../support/redis.js';
import type { WorkerChildConfig } from '../../support/queue-worker-child.js';

afterAll(cleanupFixtures);
const CHILD = join(import.meta.dirname, '../../support/queue-worker-child.ts');
// A worker process takes seconds to load its modules, tens of seconds on a loaded machine.
const PROCESS_TEST_MS = 120_000;

function spawnWorker(world: QueueWorld, dir: string, mode: PipelineMode, tuning = FAST): { child: ChildProcess; exited: Promise<number | string> } {
  const config: WorkerChildConfig = { url: redisUrl(), queue: world.name, lockPrefix: world.lockPrefix, dir, mode, tuning };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, exited };
}

describe.concurrent('worker processes', () => {
  it('picks up the job of a worker SIGKILLed mid-job; history gets exactly one commit', async (ctx) => {
    const world = queueWorld(ctx);
    const dir = tempDir('nestor-crash-');
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'crash-1' });
    const doomed = spawnWorker(world, dir, 'hang-after-apply', SHORT_HOLD);
    ctx.onTestFinished(() => void doomed.child.kill('SIGKILL'));
    await eventually('the doomed worker to apply', () => callLines(dir).some((l) => l.startsWith('apply crash-1')), 60_000);
    expect((await world.locks.current(appLockKey('mary', 'dev3')))?.id).toBe('crash-1');
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');

    world.startWorker(filePipeline(dir, 'normal'));
    const status = await eventually('crash-1 to complete elsewhere', async () => {
      const s = await world.queue.get('crash-1');
      return s?.state === 'completed' ? s : undefined;
    }, 20_000);
    expect(status.result).toMatchObject({ commit: 'crash-1' });
    expect(historyLines(dir)).toEqual(['crash-1 mary dev3 feature-x']);
    const applies = callLines(dir).filter((l) => l.startsWith('apply crash-1')).map((l) => l.split(' ')[2]);
    expect(applies).toEqual([String(doomed.child.pid), String(process.pid)]);
    expect(await world.locks.current(appLockKey('mary', 'dev3'))).toBeUndefined();
  }, PROCESS_TEST_MS);

  it('on SIGTERM finishes the current job, takes no other, and exits 0', async (ctx) => {
    const world = queueWorld(ctx);
    const dir = tempDir('nestor-term-');
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'term-1' });
    const worker = spawnWorker(world, dir, 'wait-for-go');
    ctx.onTestFinished(() => void worker.child.kill('SIGKILL'));
    await eventually('the worker to start term-1', () => callLines(dir).some((l) => l.startsWith('apply term-1')), 60_000);
    await world.queue.enqueue(deployJob({ app: 'pricing' }), { idempotencyKey: 'term-2' });
    worker.child.kill('SIGTERM');
    // term-1 may end only once the worker has the signal: else it could finish and fetch term-2 first.
    await eventually('the worker to receive SIGTERM', () => callLines(dir).includes(`sigterm ${worker.child.pid}`), 20_000);
    writeFileSync(join(dir, 'go'), '');
    expect(await worker.exited).toBe(0);
    expect(await world.queue.get('term-1')).toMatchObject({ state: 'completed' });
    expect(await world.queue.get('term-2')).toMatchObject({ state: 'waiting', attempts: 0 });
    expect(historyLines(dir)).toEqual(['term-1 mary dev3 feature-x']);
  }, PROCESS_TEST_MS);
});
