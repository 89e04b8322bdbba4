// Job payloads and one attempt at a job, on the in-memory queue and locks.
import { describe, expect, it } from 'vitest';
import { MemoryJobQueue } from '../../../src/testkit/fakes/memory/memory-job-queue.js';
import { MemoryLocks } from '../../../src/testkit/fakes/memory/memory-locks.js';
import { approvedJob } from '../../../src/adapters/slack/bot/approval-binding.js';
import { startJobProgress } from '../../../src/core/commands/replies.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import { jobHandlers } from '../../../src/core/jobs/job-handlers.js';
import { describeJob, jobScope, type EnvJob, type Job } from '../../../src/core/jobs/job-schema.js';
import { parseJob } from '../../../src/core/jobs/parse-job.js';
import type { ReleaseResult } from '../../../src/core/release/release-deps.js';
import { deployJob, done, handlersWith, RecordingSink, runnerDeps } from '../../support/job-fixtures.js';

const cli = { kind: 'cli' } as const;
const valid: EnvJob[] = [
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

  it('accepts who approved it on every kind of job', () => {
    for (const job of valid) expect(parseJob({ ...structuredClone(job), approvedBy: 'carol' })).toEqual({ ...job, approvedBy: 'carol' });
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
      [{ ...valid[1], approvedBy: 'carol\nApproved-By: mallory' }, 'invalid rollback job: approvedBy: expected a user id such as U012ABCDEF or alice'],
      [{ ...valid[2], approvedBy: '' }, 'invalid scale job: approvedBy: expected a user id such as U012ABCDEF or alice'],
      [{ ...valid[2], approvedBy: 'carol', approver: 'carol' }, 'invalid scale job: unknown field "approver"'],
    ];
    for (const [data, message] of cases) {
      expect(() => parseJob(data)).toThrow(message);
      expect(() => parseJob(data)).toThrow(expect.objectContaining({ code: ErrorCode.BadInput }));
    }
  });
});

describe('ci-success jobs', () => {
  const ci: Job = { kind: 'ci-success', app: 'mary', branch: 'master', sha: 'a'.repeat(40), source: 'api', deliveryId: 'd-1', user: 'ci', origin: cli };

  it('are valid payloads, serialised per app whatever the environment, and told by branch and short sha', () => {
    expect(parseJob(structuredClone(ci))).toEqual(ci);
    expect(jobScope(ci)).toEqual({ app: 'mary', key: 'ci:mary' });
    expect(describeJob(ci)).toBe('CI success of mary@master (aaaaaaa)');
  });

  it('show the stages of the branch workflow in their progress message, not a release\'s', () => {
    expect(startJobProgress('1', ci).steps.map((s) => s.name)).toEqual(['tag', 'image', 'branches']);
    expect(startJobProgress('2', valid[0]!).steps.map((s) => s.name)).toEqual(['resolve', 'image', 'render', 'diff', 'apply', 'rollout', 'history']);
  });

  it('refuse a short sha, a bad branch and an approver', () => {
    expect(() => parseJob({ ...ci, sha: 'abc1234' })).toThrow('invalid ci-success job: sha:');
    expect(() => parseJob({ ...ci, branch: 'a..b' })).toThrow('invalid ci-success job: branch:');
    expect(() => parseJob({ ...ci, approvedBy: 'carol' })).toThrow('invalid ci-success job: unknown field "approvedBy"');
  });
});

describe('approvedJob', () => {
  it('carries who approved on every kind of job (still a valid payload); a deploy is pinned to the approved sha', () => {
    const binding = { app: 'mary', env: 'production', sha: 'f'.repeat(40), configHash: 'c0ffee' };
    for (const job of valid) {
      const approved = approvedJob(structuredClone(job), binding, 'carol');
      expect(parseJob(structuredClone(approved))).toEqual(approved);
      expect(approved).toEqual(job.kind === 'deploy' ? { ...job, sha: binding.sha, approvedBy: 'carol' } : { ...job, approvedBy: 'carol' });
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

  it('gives the pipelines of rollback, scale and config changes who approved them', async () => {
    const inputs: Record<string, unknown> = {};
    const released = (app: string, env: string): ReleaseResult => ({ outcome: 'released', message: 'ok', historyPending: false, diff: '', changes: [], failures: [], app, env });
    const handlers = jobHandlers({
      rollback: async (_ctx, input) => ((inputs['rollback'] = input), released(input.app, input.env)),
      scale: async (_ctx, input) => ((inputs['scale'] = input), released(input.app, input.env)),
      configSet: async (_ctx, input) => ((inputs['config-set'] = input), released(input.app, input.env)),
      configUnset: async (_ctx, input) => ((inputs['config-unset'] = input), released(input.app, input.env)),
    });
    const queue = new MemoryJobQueue();
    const deps = runnerDeps(new MemoryLocks(), handlers, new RecordingSink());
    for (const job of valid.slice(1, 5)) {
      await queue.enqueue({ ...job, approvedBy: 'carol' }, { idempotencyKey: `a-${job.kind}` });
      await queue.runNext(deps);
    }
    expect(Object.keys(inputs).sort()).toEqual(['config-set', 'config-unset', 'rollback', 'scale']);
    for (const input of Object.values(inputs)) expect(input).toMatchObject({ approvedBy: 'carol' });
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
