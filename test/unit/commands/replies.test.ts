import { describe, expect, it } from 'vitest';
import { applyEvent, finishProgress, progressMessage, queueLine, startProgress, threadLine } from '../../../src/core/commands/replies.js';
import type { ReleaseEvent } from '../../../src/core/release/events.js';

describe('queue lines', () => {
  it('says what happened to the command', () => {
    expect(queueLine({ kind: 'queued', jobId: '12' })).toBe('queued as job 12');
    expect(queueLine({ kind: 'duplicate', jobId: '12' })).toBe('already queued as job 12');
    expect(queueLine({ kind: 'waiting', jobId: '43', behind: { jobId: '41', user: 'alice' }, position: 2 })).toBe('queued behind job 41 by alice, position 2');
  });
});

describe('job progress as a reduction of release events', () => {
  const run = (events: ReleaseEvent[]) => events.reduce(applyEvent, startProgress('7', 'deploy mary@main to dev3', 'bob'));

  it('shows the seven stages, waiting first, and what the lock waits for', () => {
    const waiting = run([{ type: 'waiting', message: 'behind deploy mary@x by alice' }]);
    expect(waiting.steps.map((s) => `${s.name}:${s.state}`)).toEqual(['resolve:waiting', 'image:waiting', 'render:waiting', 'diff:waiting', 'apply:waiting', 'rollout:waiting', 'history:waiting']);
    expect(progressMessage(waiting)).toMatchObject({ tone: 'queued', summary: 'deploy mary@main to dev3: waiting: behind deploy mary@x by alice' });
    const locked = applyEvent(waiting, { type: 'stage', stage: 'lock', status: 'finished' });
    expect(locked.waiting).toBeUndefined();
  });

  it('adds prune after apply when it happens, and keeps warnings', () => {
    const p = run([
      { type: 'stage', stage: 'prune', status: 'started' },
      { type: 'pruned', cluster: 'c', object: 'CronJob dev3/mary-old' },
      { type: 'warning', message: 'HPA ignored: hpa_replicas is false' },
    ]);
    expect(p.steps.map((s) => s.name)).toEqual(['resolve', 'image', 'render', 'diff', 'apply', 'prune', 'rollout', 'history']);
    expect(p.steps[5]).toEqual({ name: 'prune', state: 'running', detail: 'CronJob dev3/mary-old deleted' });
    expect(progressMessage(p).sections).toEqual([{ title: 'Warnings', lines: ['HPA ignored: hpa_replicas is false'] }]);
  });

  it('keeps a failed rollout failed while the automatic rollback shows its own progress, and skips what never ran', () => {
    const p = run([
      { type: 'stage', stage: 'apply', status: 'started' },
      { type: 'applied', cluster: 'c', object: 'Deployment dev3/mary-web', result: 'configured' },
      { type: 'stage', stage: 'apply', status: 'finished' },
      { type: 'stage', stage: 'rollout', status: 'started' },
      { type: 'stage', stage: 'rollout', status: 'failed', message: 'Deployment dev3/mary-web: ProgressDeadlineExceeded' },
      { type: 'stage', stage: 'rollback', status: 'started' },
      { type: 'stage', stage: 'apply', status: 'started' },
      { type: 'applied', cluster: 'c', object: 'Deployment dev3/mary-web', result: 'configured' },
      { type: 'rollout', cluster: 'c', object: 'Deployment dev3/mary-web', state: 'available', message: '' },
      { type: 'stage', stage: 'history', status: 'finished', message: 'abc1234' },
      { type: 'stage', stage: 'rollback', status: 'finished' },
    ]);
    const done = finishProgress(p, { outcome: 'failed', message: 'rollout failed; rolled back' });
    expect(done.steps.map((s) => `${s.name}:${s.state}${s.detail ? ` (${s.detail})` : ''}`)).toEqual([
      'resolve:skipped', 'image:skipped', 'render:skipped', 'diff:skipped', 'apply:done (1 object applied)',
      'rollout:failed (Deployment dev3/mary-web: ProgressDeadlineExceeded)', 'rollback:done (history finished: abc1234)', 'history:skipped',
    ]);
  });

  it('sums diffs per cluster and marks running stages failed when the release fails', () => {
    const p = run([
      { type: 'diff', cluster: 'eu', text: '', changes: [{ object: 'Service dev3/mary', change: 'create', fields: [] }] },
      { type: 'diff', cluster: 'us', text: '', changes: [] },
      { type: 'stage', stage: 'apply', status: 'started' },
    ]);
    expect(p.steps.find((s) => s.name === 'diff')?.detail).toBe('eu: 1 to create, 0 to update, 0 to delete, 0 unchanged; us: 0 to create, 0 to update, 0 to delete, 0 unchanged');
    const done = finishProgress(p, { outcome: 'failed', message: 'apply failed' });
    expect(done.steps.find((s) => s.name === 'apply')?.state).toBe('failed');
    expect(progressMessage(done)).toMatchObject({ tone: 'failure', summary: 'deploy mary@main to dev3: apply failed' });
  });

  it("shows the last 10 lines of a running process's log at the end of its message, and not once it ended", () => {
    const lines = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`);
    const p = run([{ type: 'stage', stage: 'run', status: 'started' }, { type: 'log', lines: lines.slice(0, 5) }, { type: 'log', lines: lines.slice(5) }]);
    expect(progressMessage(p).sections).toEqual([{ title: 'The end of its log so far', lines: lines.slice(2), monospace: true }]);
    expect(threadLine({ type: 'log', lines: ['a', 'b'] })).toBe('a\nb');
    const ended = finishProgress(p, { outcome: 'released', message: 'ran' });
    expect(progressMessage(ended).sections).toEqual([]);
  });

  it('gives one thread line per event', () => {
    expect(threadLine({ type: 'applied', cluster: 'eu', object: 'Service dev3/mary', result: 'created' })).toBe('[apply] eu: Service dev3/mary created');
  });
});
