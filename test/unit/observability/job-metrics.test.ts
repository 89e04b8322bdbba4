// Job progress counted into the real prom-client registry of PrometheusMetrics: attempts by kind
// and outcome, their durations and their stages', and how a rollout ended (once per job, a
// rollback's own rollout not counted again); every update still reaches the next sink.
// Gauges read at scrape time leave the scrape answering when their source fails.
import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../src/adapters/observability/prometheus-metrics.js';
import { jobMetricsSink } from '../../../src/core/jobs/job-metrics.js';
import type { JobUpdate } from '../../../src/core/jobs/run-job.js';
import type { Stage, StageStatus } from '../../../src/core/release/events.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';
import { deployJob, RecordingSink } from '../../support/job-fixtures.js';
import { sampleValue } from '../../support/prometheus-text.js';

function world() {
  const clock = new ManualClock();
  const metrics = new PrometheusMetrics();
  const next = new RecordingSink();
  const sink = jobMetricsSink(metrics, clock, next.sink);
  const job = deployJob();
  const base = (jobId: string, attempt = 1) => ({ jobId, job, attempt });
  const stage = (jobId: string, name: Stage, status: StageStatus): JobUpdate => ({ ...base(jobId), type: 'event', event: { type: 'stage', stage: name, status } });
  const text = async () => (await metrics.text()).body;
  return { clock, metrics, next, sink, base, stage, text };
}

describe('job metrics', () => {
  it('times a job and its stages, and counts a rollout that failed and was rolled back', async () => {
    const w = world();
    w.sink({ ...w.base('j1'), type: 'started' });
    w.sink(w.stage('j1', 'rollout', 'started'));
    await w.clock.advance(4_000);
    w.sink(w.stage('j1', 'rollout', 'failed'));
    w.sink(w.stage('j1', 'rollback', 'started'));
    w.sink(w.stage('j1', 'rollout', 'started'));
    await w.clock.advance(1_000);
    w.sink(w.stage('j1', 'rollout', 'finished'));
    w.sink(w.stage('j1', 'rollback', 'finished'));
    w.sink({ ...w.base('j1'), type: 'completed', result: { outcome: 'rolled-back', message: 'rolled back' } });

    const text = await w.text();
    expect(sampleValue(text, 'nestor_jobs_total', { kind: 'deploy', outcome: 'rolled-back' })).toBe(1);
    expect(sampleValue(text, 'nestor_rollouts_total', { outcome: 'rolled_back' })).toBe(1);
    expect(sampleValue(text, 'nestor_rollouts_total', { outcome: 'succeeded' })).toBeUndefined();
    expect(sampleValue(text, 'nestor_job_duration_seconds_sum', { kind: 'deploy' })).toBe(5);
    expect(sampleValue(text, 'nestor_job_step_duration_seconds_count', { kind: 'deploy', step: 'rollout' })).toBe(2);
    expect(sampleValue(text, 'nestor_job_step_duration_seconds_sum', { kind: 'deploy', step: 'rollout' })).toBe(5);
    expect(sampleValue(text, 'nestor_job_step_duration_seconds_sum', { kind: 'deploy', step: 'rollback' })).toBe(1);
    expect(sampleValue(text, 'nestor_job_step_duration_seconds_bucket', { kind: 'deploy', step: 'rollout', le: '2.5' })).toBe(1);
    expect(w.next.of('j1')).toHaveLength(8);
  });

  it('counts a rollout that failed with nothing put back as failed, and a thrown attempt as retrying then error', async () => {
    const w = world();
    w.sink({ ...w.base('j2'), type: 'started' });
    w.sink(w.stage('j2', 'rollout', 'started'));
    w.sink(w.stage('j2', 'rollout', 'failed'));
    w.sink({ ...w.base('j2'), type: 'completed', result: { outcome: 'failed', message: 'first release failed' } });
    w.sink({ ...w.base('j3'), type: 'started' });
    w.sink({ ...w.base('j3'), type: 'failed', message: 'cluster unreachable', code: 'ClusterUnavailable', final: false });
    w.sink({ ...w.base('j3', 2), type: 'started' });
    w.sink(w.stage('j3', 'rollout', 'started'));
    w.sink(w.stage('j3', 'rollout', 'finished'));
    w.sink({ ...w.base('j3', 2), type: 'failed', message: 'history unreachable', final: true });

    const text = await w.text();
    expect(sampleValue(text, 'nestor_rollouts_total', { outcome: 'failed' })).toBe(1);
    expect(sampleValue(text, 'nestor_rollouts_total', { outcome: 'succeeded' })).toBe(1);
    expect(sampleValue(text, 'nestor_jobs_total', { kind: 'deploy', outcome: 'failed' })).toBe(1);
    expect(sampleValue(text, 'nestor_jobs_total', { kind: 'deploy', outcome: 'retrying' })).toBe(1);
    expect(sampleValue(text, 'nestor_jobs_total', { kind: 'deploy', outcome: 'error' })).toBe(1);
  });

  it('times a job deferred elsewhere from when this process sees it again', async () => {
    const w = world();
    await w.clock.advance(60_000);
    w.sink(w.stage('j4', 'resolve', 'started'));
    await w.clock.advance(2_000);
    w.sink(w.stage('j4', 'resolve', 'finished'));
    w.sink({ ...w.base('j4'), type: 'completed', result: { outcome: 'released', message: 'ok' } });
    const text = await w.text();
    expect(sampleValue(text, 'nestor_job_duration_seconds_sum', { kind: 'deploy' })).toBe(2);
    expect(sampleValue(text, 'nestor_rollouts_total', { outcome: 'succeeded' })).toBeUndefined();
  });

  it('exports the default process metrics under nestor_, and external errors and retries by system and kind', async () => {
    const metrics = new PrometheusMetrics();
    metrics.externalError('kubernetes', 'server');
    metrics.externalError('kubernetes', 'server');
    metrics.externalRetry('kubernetes', 'server');
    const { body, contentType } = await metrics.text();
    expect(contentType).toContain('text/plain');
    expect(sampleValue(body, 'nestor_external_errors_total', { system: 'kubernetes', kind: 'server' })).toBe(2);
    expect(sampleValue(body, 'nestor_external_retries_total', { system: 'kubernetes', kind: 'server' })).toBe(1);
    expect(sampleValue(body, 'nestor_process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0); // the CPU since the registry was made: 0 on a quick run;
    expect(body).toContain('# TYPE nestor_job_duration_seconds histogram');
  });

  it('reads the queue and approval gauges at each scrape, and answers without them when their source fails', async () => {
    let depth = { waiting: 3, active: 1, delayed: 0, failed: 2, oldestWaitingAgeSeconds: 42 };
    let broken = false;
    const problems: string[] = [];
    const metrics = new PrometheusMetrics({
      queue: async () => {
        if (broken) throw new Error('Redis is gone');
        return depth;
      },
      approvalsPending: async () => (broken ? Promise.reject(new Error('Redis is gone')) : 4),
    }, { onSourceError: (source) => void problems.push(source) });
    let body = (await metrics.text()).body;
    expect(sampleValue(body, 'nestor_queue_jobs', { state: 'waiting' })).toBe(3);
    expect(sampleValue(body, 'nestor_queue_jobs', { state: 'failed' })).toBe(2);
    expect(sampleValue(body, 'nestor_queue_oldest_waiting_age_seconds')).toBe(42);
    expect(sampleValue(body, 'nestor_approvals_pending')).toBe(4);
    expect(body).not.toContain('nestor_history_writes_pending');
    depth = { ...depth, waiting: 0, oldestWaitingAgeSeconds: 0 };
    body = (await metrics.text()).body;
    expect(sampleValue(body, 'nestor_queue_jobs', { state: 'waiting' })).toBe(0);
    broken = true;
    body = (await metrics.text()).body;
    expect(sampleValue(body, 'nestor_queue_jobs', { state: 'waiting' })).toBeUndefined();
    expect(sampleValue(body, 'nestor_queue_oldest_waiting_age_seconds')).toBeNaN();
    expect(sampleValue(body, 'nestor_approvals_pending')).toBeNaN();
    // One read of the queue per scrape, for both of its gauges.
    expect(problems).toEqual(['queue', 'nestor_approvals_pending']);
  });
});
