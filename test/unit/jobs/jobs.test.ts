// Job payloads and one attempt at a job, on the in-memory queue and locks.
import { describe, expect, it } from 'vitest';
import { MemoryJobQueue } from '../../../src/adapters/memory/memory-job-queue.js';
import { MemoryLocks } from '../../../src/adapters/memory/memory-locks.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import { jobHandlers } from '../../../src/core/jobs/job-handlers.js';
import type { Job } from '../../../src/core/jobs/job-schema.js';
import { parseJob } from '../../../src/core/jobs/parse-job.js';
import type { ReleaseResult } from '../../../src/core/release/release-deps.js';
import { deployJob, done, handlersWith, RecordingSink, runnerDeps } from '../../support/job-fixtures.js';

const cli = { kind: 'cli' } as const;
const valid: Job[] = [
  deployJob({ approvedBy: 'U0BOB', dryRun: true, forceConflicts: false }),
  { kind: 'rollback', app: 'mary', env: 'production', commit: 'abc1234', user: 'alice', origin: { kind: 'slack', channel: 'C1', threadTs: '1714557600.000100' } },
  { kind: 'scale', app: 'mary', env: 'dev3', specs: [{ process: 'web', min: 2, max: 4 }], user: 'alice', origin: cli },
  { kind: 'config-set', app: 'mary', env: 'dev3', values: { NODE_ENV: 'production' }, secrets: ['STRIPE_KEY'], user: 'alice', origin: cli },
  { kind: 'config-unset', app: 'mary', env: 'dev3', keys: ['OLD'], user: 'alice', origin: cli },
  { kind: 'datastore', env: 'dev3', action: 'reset', user: 'alice', origin: cli },
];

describe('parseJob', () => {
  it('accepts every kind of job', () => {
    for (const job of valid) expect(parseJob(structuredClone(job))).toEqual(job);
  });

  it('refuses bad payloads with one line naming the field, never the value', () => {
    const setJob = valid[3] as Extract<Job, { kind: 'config-set' }>;
    const cases: [unknown, string][] = [
      [null, 'invalid job: expected an object'],
      [{ ...deployJob(), origin: { kind: 'slack', channel: '#general' } }, 'invalid deploy job: origin.channel: expected a Slack channel id such as C012ABCDEF'],
      [{ ...deployJob(), trigger: 'cron' }, 'invalid deploy job: trigger: expected user or schedule'],
      [{ ...valid[2], specs: [{ process: 'web', min: 5, max: 2 }] }, 'invalid scale job: web has max below min'],
      [{ ...setJob, values: { STRIPE_KEY: 'sk_live_123' } }, 'invalid config-set job: STRIPE_KEY is given both as a value and as a secret'],
      [{ ...setJob, values: { TOKEN: '$SLACK_BOT_TOKEN' }, secrets: [] }, "invalid config-set job: TOKEN: a value of the form $NAME reads Nestor's own environment and cannot be set by a command"],
      [{ ...setJob, values: {}, secrets: [] }, 'invalid config-set job: no value and no secret to set'],
      [{ ...setJob, secretValues: { STRIPE_KEY: 'sk_live_123' } }, 'invalid config-set job: unknown field "secretValues"'],
    ];
    for (const [data, message] of cases) {
      expect(() => parseJob(data)).toThrow(message);
      expect(() => parseJob(data)).toThrow(expect.objectContaining({ code: ErrorCode.BadInput }));
    }
  });
});

describe('runJob on the in-memory queue', () => {
  it('maps a job to its pipeline input and keeps a small outcome', async () => {
    const inputs: unknown[] = [];
    const handlers = jobHandlers({
      deploy: async (ctx, input) => {
        inputs.push({ user: ctx.user, jobId: ctx.jobId, input });
        ctx.onEvent({ type: 'warning', message: 'pinned' });
        return { outcome: 'released', message: 'deployed', sha: 'a'.repeat(40), commit: 'c1', historyPending: false, diff: 'long', changes: [], failures: [], app: 'mary', env: 'dev3' } satisfies ReleaseResult;
      },
    });
    const queue = new MemoryJobQueue();
    const sink = new RecordingSink();
    await queue.enqueue(deployJob(), { idempotencyKey: 'm-1' });
    await queue.enqueue({ kind: 'datastore', env: 'dev3', action: 'snapshot', user: 'bob', origin: cli }, { idempotencyKey: 'm-2' });
    const deps = runnerDeps(new MemoryLocks(), handlers, sink);
    expect([await queue.runNext(deps), await queue.runNext(deps), await queue.runNext(deps)]).toEqual(['m-1', 'm-2', undefined]);
    expect(inputs).toEqual([{ user: 'alice', jobId: 'm-1', input: { app: 'mary', env: 'dev3', ref: 'feature-x', trigger: 'user' } }]);
    expect(await queue.get('m-1')).toMatchObject({ state: 'completed', result: { outcome: 'released', message: 'deployed', commit: 'c1', sha: 'a'.repeat(40), historyPending: false } });
    expect(sink.of('m-1').map((u) => u.type)).toEqual(['started', 'event', 'completed']);
    expect(await queue.get('m-2')).toMatchObject({ state: 'failed', error: 'this worker cannot run datastore jobs yet' });
  });

  it('leaves a retryable failure for a later attempt and fails a non-retryable one', async () => {
    const queue = new MemoryJobQueue({ attempts: 2 });
    let calls = 0;
    const handlers = handlersWith({
      deploy: async () => {
        calls += 1;
        throw new NestorError(ErrorCode.GitFailed, 'git fetch failed', { retryable: true });
      },
    });
    await queue.enqueue(deployJob(), { idempotencyKey: 'm-3' });
    const deps = runnerDeps(new MemoryLocks(), handlers, new RecordingSink());
    await queue.runNext(deps);
    expect(await queue.get('m-3')).toMatchObject({ state: 'delayed', attempts: 1 });
    await queue.runNext(deps);
    expect(await queue.get('m-3')).toMatchObject({ state: 'failed', attempts: 2, error: 'git fetch failed' });
    expect(calls).toBe(2);
    expect(done()).toEqual({ outcome: 'released', message: 'ok' });
  });
});
