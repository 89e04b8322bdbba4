// A deploy's progress as the pipeline reports it, for the Slack notifier tests: 50 events, most of
// them `applied`, and the updates of one job around them.
import type { DeployJob } from '../../../src/core/jobs/job-schema.js';
import type { JobUpdate } from '../../../src/core/jobs/run-job.js';
import type { ReleaseEvent } from '../../../src/core/release/events.js';
import { deployJob } from '../../support/job-fixtures.js';

export const CHANNEL = 'C0DEPLOYS';
export const FINAL_MESSAGE = 'mary feature-x (3f2c1ab) released to dev3';

const applied: ReleaseEvent[] = Array.from({ length: 40 }, (_, i) => ({ type: 'applied', cluster: 'kapten_dev', object: `ConfigMap dev3/mary-${i}`, result: 'configured' }));

export const BURST: readonly ReleaseEvent[] = [
  { type: 'stage', stage: 'resolve', status: 'started' },
  { type: 'stage', stage: 'resolve', status: 'finished', message: 'feature-x is branch at 3f2c1ab' },
  { type: 'stage', stage: 'render', status: 'finished', message: '42 objects' },
  { type: 'diff', cluster: 'kapten_dev', text: 'SECRET_DIFF_TEXT', changes: [
    { object: 'Deployment dev3/mary-web', change: 'update', fields: ['spec'] },
    { object: 'ConfigMap dev3/mary', change: 'unchanged', fields: [] },
  ] },
  { type: 'stage', stage: 'diff', status: 'finished' },
  { type: 'stage', stage: 'apply', status: 'started' },
  ...applied,
  { type: 'stage', stage: 'apply', status: 'finished' },
  { type: 'warning', message: 'mary was pinned in dev3: this deploy replaces the pin' },
  { type: 'stage', stage: 'rollout', status: 'finished' },
  { type: 'stage', stage: 'history', status: 'finished' },
];

export function jobUpdates(jobId = '42', origin: DeployJob['origin'] = { kind: 'slack', channel: CHANNEL }, attempt = 1) {
  const base = { jobId, job: deployJob({ origin }), attempt };
  return {
    job: base.job,
    started: { ...base, type: 'started' } as JobUpdate,
    event: (event: ReleaseEvent): JobUpdate => ({ ...base, type: 'event', event }),
    completed: { ...base, type: 'completed', result: { outcome: 'released', message: FINAL_MESSAGE, commit: 'c0ffee0123456789' } } as JobUpdate,
    failed: (message: string, final: boolean): JobUpdate => ({ ...base, type: 'failed', message, final }),
  };
}
