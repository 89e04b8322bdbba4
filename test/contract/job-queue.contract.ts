// The JobQueue contract, run on the in-memory fake and on BullMQ over real Redis alike: what a
// producer (bot, CLI, API) relies on.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/core/errors.js';
import type { Job } from '../../src/core/jobs/job-schema.js';
import type { JobQueue } from '../../src/core/ports/job-queue.js';
import { datastoreJob, deployJob } from '../support/job-fixtures.js';

export function jobQueueContract(name: string, makeQueue: () => Promise<JobQueue>): void {
  describe.concurrent(`JobQueue contract: ${name}`, () => {
    it('enqueues once per idempotency key and tells a duplicate "already queued as job N"', async () => {
      const queue = await makeQueue();
      const first = await queue.enqueue(deployJob(), { idempotencyKey: 'slack-T1-trigger-7' });
      expect(first).toEqual({ jobId: 'slack-T1-trigger-7', created: true, message: 'queued as job slack-T1-trigger-7' });
      const again = await queue.enqueue(deployJob({ ref: 'other' }), { idempotencyKey: 'slack-T1-trigger-7' });
      expect(again).toEqual({ jobId: 'slack-T1-trigger-7', created: false, message: 'already queued as job slack-T1-trigger-7 (waiting)' });
      const status = await queue.get('slack-T1-trigger-7');
      expect(status).toMatchObject({ jobId: 'slack-T1-trigger-7', state: 'waiting', job: deployJob(), attempts: 0 });
      expect(Date.parse(status?.enqueuedAt ?? '')).not.toBeNaN();
    });

    it('creates exactly one job for ten concurrent enqueues of one key (double clicks, Slack retries)', async () => {
      const queue = await makeQueue();
      const results = await Promise.all(Array.from({ length: 10 }, () => queue.enqueue(deployJob(), { idempotencyKey: 'click-1' })));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect((await queue.line('dev3.mary')).map((j) => j.jobId)).toEqual(['click-1']);
    });

    it('refuses an invalid payload or key with one line, and queues nothing', async () => {
      const queue = await makeQueue();
      const cases: [Job, string][] = [
        [deployJob({ app: '../../x' }), 'invalid deploy job: app: expected an app name (DNS-1123 label)'],
        [deployJob({ ref: 'main;curl x|sh' }), 'invalid deploy job: ref: expected a branch, tag or commit sha'],
        [{ ...deployJob(), token: 'xoxb' } as Job, 'invalid deploy job: unknown field "token"'],
        [{ kind: 'reboot' } as unknown as Job, 'invalid job: unknown kind "reboot" (expected deploy, rollback, scale, config-set, config-unset, datastore, run, ci-success, report, datastore-list)'],
      ];
      for (const [job, message] of cases) {
        await expect(queue.enqueue(job, { idempotencyKey: 'bad-1' })).rejects.toMatchObject({ code: ErrorCode.BadInput, message });
      }
      for (const key of ['', '42', 'a:b', 'x'.repeat(129), 'a b']) {
        await expect(queue.enqueue(deployJob(), { idempotencyKey: key })).rejects.toMatchObject({ code: ErrorCode.BadInput });
      }
      expect(await queue.get('bad-1')).toBeUndefined();
      expect(await queue.line('dev3.mary')).toEqual([]);
    });

    it('lines up the unfinished jobs of one app and environment, oldest first, with positions', async () => {
      const queue = await makeQueue();
      await queue.enqueue(deployJob(), { idempotencyKey: 'job-a' });
      await queue.enqueue(deployJob({ app: 'pricing' }), { idempotencyKey: 'job-b' });
      await queue.enqueue(deployJob({ user: 'bob', ref: 'main' }), { idempotencyKey: 'job-c' });
      await queue.enqueue(datastoreJob(), { idempotencyKey: 'job-d' });
      expect((await queue.line('dev3.mary')).map((j) => [j.jobId, j.job.user, j.state])).toEqual([['job-a', 'alice', 'waiting'], ['job-c', 'bob', 'waiting']]);
      expect((await queue.line('dev3:datastore')).map((j) => j.jobId)).toEqual(['job-d']);
      expect(await Promise.all(['job-a', 'job-b', 'job-c', 'nope'].map((id) => queue.position(id)))).toEqual([1, 1, 2, undefined]);
      expect(await queue.get('nope')).toBeUndefined();
    });
  });
}
