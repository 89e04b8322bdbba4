// Job progress as pino lines (the real logger, its redaction on): one child logger per job with
// its fields, a line when an attempt starts, ends or fails, with its duration.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jobLogSink } from '../../../src/adapters/observability/job-log-sink.js';
import { nestorLogger } from '../../../src/main/logger.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';
import { datastoreJob, deployJob, RecordingSink } from '../../support/job-fixtures.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: nestorLogger('nestor-worker', { level: 'debug', destination }) };
}

describe('job logs', () => {
  it('logs a job started, its stages at debug, and its end with the job fields and duration', async () => {
    const { lines, logger } = capture();
    const clock = new ManualClock();
    const next = new RecordingSink();
    const sink = jobLogSink(logger, clock, next.sink);
    const job = deployJob({ user: 'alice' });
    sink({ jobId: 'j1', job, attempt: 1, type: 'started' });
    sink({ jobId: 'j1', job, attempt: 1, type: 'event', event: { type: 'stage', stage: 'render', status: 'started' } });
    await clock.advance(2_500);
    sink({ jobId: 'j1', job, attempt: 1, type: 'completed', result: { outcome: 'released', message: 'deployed', commit: 'abc123' } });
    const fields = { name: 'nestor-worker', jobId: 'j1', kind: 'deploy', app: 'mary', env: 'dev3', requester: 'alice' };
    expect(lines).toEqual([
      expect.objectContaining({ ...fields, level: 30, msg: 'job started', attempt: 1, operation: 'deploy mary@feature-x to dev3' }),
      expect.objectContaining({ ...fields, level: 20, msg: 'job stage', stage: 'render', status: 'started' }),
      expect.objectContaining({ ...fields, level: 30, msg: 'job ended', outcome: 'released', durationMs: 2_500, commit: 'abc123' }),
    ]);
    expect(next.of('j1')).toHaveLength(3);
  });

  it('logs a failure to retry as a warning and a final one as an error; a job without an app has no app field', async () => {
    const { lines, logger } = capture();
    const clock = new ManualClock();
    const sink = jobLogSink(logger, clock, () => undefined);
    const job = datastoreJob('dev3');
    sink({ jobId: 'd1', job, attempt: 1, type: 'started' });
    await clock.advance(1_000);
    sink({ jobId: 'd1', job, attempt: 1, type: 'failed', message: 'cluster unreachable', code: 'ClusterUnavailable', final: false });
    sink({ jobId: 'd1', job, attempt: 2, type: 'started' });
    sink({ jobId: 'd1', job, attempt: 2, type: 'failed', message: 'cluster unreachable', final: true });
    const failed = lines.filter((l) => String(l['msg']).startsWith('job failed'));
    expect(failed).toEqual([
      expect.objectContaining({ level: 40, msg: 'job failed: retrying', jobId: 'd1', kind: 'datastore', env: 'dev3', requester: 'bob', final: false, durationMs: 1_000, code: 'ClusterUnavailable' }),
      expect.objectContaining({ level: 50, msg: 'job failed', final: true, durationMs: 0, error: 'cluster unreachable' }),
    ]);
    expect(lines.every((l) => !('app' in l))).toBe(true);
  });
});
