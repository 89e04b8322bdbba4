// One message of each kind, built by the neutral reply builders, for the golden files.
import type { ApprovalDetails } from '../../../src/core/commands/approval-details.js';
import { createApproval, decide } from '../../../src/core/commands/approval.js';
import { parseCommand, parseCommandOrThrow } from '../../../src/core/commands/parse-command.js';
import {
  acknowledgement,
  applyEvent,
  approvalMessage,
  awaitingApproval,
  configChanged,
  configValues,
  lateQueueOutcome,
  envsReply,
  schedulesReply,
  finishProgress,
  helpReply,
  historyReply,
  progressMessage,
  refusal,
  releaseAnnouncement,
  startJobProgress,
  startProgress,
  statusReply,
  syntaxErrorReply,
  type JobProgress,
  type Message,
} from '../../../src/core/commands/replies.js';
import { releasedBranchNotMoved } from '../../../src/core/commands/replies/branch-move-replies.js';
import { resetRequestValue } from '../../../src/adapters/slack/bot/reset-confirmation.js';
import type { DatastoreCommand } from '../../../src/core/commands/command.js';
import { resetConfirmation } from '../../../src/core/commands/replies/reset-replies.js';
import type { NightlyRun } from '../../../src/core/datastores/datastore-nightly.js';
import { nightlyMessages } from '../../../src/core/datastores/nightly-messages.js';
import type { DatastoreListing } from '../../../src/core/datastores/list-datastores.js';
import { listingMessages } from '../../../src/core/datastores/listing-messages.js';
import { syncReportMessages } from '../../../src/core/fleet/sync-report-messages.js';
import type { SyncReport } from '../../../src/core/fleet/sync-report.js';
import type { ReleaseEvent } from '../../../src/core/release/events.js';
import type { ReleaseResult } from '../../../src/core/release/release-deps.js';

export const SHA = '3f2c1ab9d0e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8';
export const OLD_SHA = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d';
const deploy = parseCommandOrThrow('deploy mary feature-x dev3');

const EVENTS: ReleaseEvent[] = [
  { type: 'stage', stage: 'resolve', status: 'started' },
  { type: 'stage', stage: 'resolve', status: 'finished', message: 'feature-x is branch at 3f2c1ab' },
  { type: 'stage', stage: 'image', status: 'finished', message: 'docker.com/kapten/mary:3f2c1ab' },
  { type: 'stage', stage: 'render', status: 'finished', message: '7 objects' },
  { type: 'diff', cluster: 'kapten_dev', text: '', changes: [
    { object: 'Deployment dev3/mary-web', change: 'update', fields: ['spec'] },
    { object: 'ConfigMap dev3/mary', change: 'unchanged', fields: [] },
    { object: 'CronJob dev3/mary-purge', change: 'create', fields: [] },
  ] },
  { type: 'stage', stage: 'diff', status: 'finished' },
  { type: 'stage', stage: 'apply', status: 'started' },
  { type: 'applied', cluster: 'kapten_dev', object: 'Deployment dev3/mary-web', result: 'configured' },
  { type: 'applied', cluster: 'kapten_dev', object: 'CronJob dev3/mary-purge', result: 'created' },
  { type: 'stage', stage: 'apply', status: 'finished' },
  { type: 'stage', stage: 'rollout', status: 'started' },
  { type: 'rollout', cluster: 'kapten_dev', object: 'Deployment dev3/mary-web', state: 'progressing', message: '1 of 2 updated' },
];

export function progressAfter(count: number): JobProgress {
  return EVENTS.slice(0, count).reduce(applyEvent, startProgress('42', 'deploy mary@feature-x to dev3', 'alice'));
}

export function released(extra: Partial<ReleaseResult> = {}): ReleaseResult {
  return { outcome: 'released', app: 'mary', env: 'dev3', message: 'mary feature-x (3f2c1ab) released to dev3', sha: SHA, ref: 'feature-x', commit: 'c0ffee0123456789', historyPending: false, changes: [], failures: [], diff: '', ...extra };
}

/** What a deploy to production brings: 12 commits (10 kept), keys with values and a secret, objects. */
const APPROVAL_DETAILS: ApprovalDetails = {
  running: { sha: OLD_SHA, ref: 'v1.4.1' },
  commits: {
    direction: 'adds', total: 12,
    shown: Array.from({ length: 10 }, (_, i) => ({ sha: `${String(i).repeat(7)}abcdef`, subject: i === 0 ? 'Fix <!channel> ping & escaping' : `Change number ${10 - i}` })),
  },
  config: [
    { key: 'LOG_LEVEL', change: 'changed', before: 'info', after: 'debug' },
    { key: 'FEATURE_CHECKOUT', change: 'added', after: 'true' },
    { key: 'OLD_FLAG', change: 'removed', before: 'yes' },
    { key: 'API_KEY', change: 'added', secret: true },
  ],
  configTotal: 4,
  objects: [{
    cluster: 'kapten_production_eu-w1', create: ['CronJob production/mary-report'], update: ['ConfigMap production/mary', 'Deployment production/mary-web'],
    delete: ['Deployment production/mary-worker'], unchanged: 3, counts: { create: 1, update: 2, delete: 1 },
  }],
  notes: [],
};

const approval = createApproval(
  { id: 'apr-7', app: 'mary', env: 'production', sha: SHA, configHash: 'e3b0c44298fc1c149afbf4c8', operation: 'deploy mary@v1.4.2 to production', requester: { id: 'U0ALICE', name: 'alice' }, approvers: [{ id: 'U0CAROL', name: 'carol' }, { id: 'U0DAVE', name: 'dave' }], expiresMinutes: 60, details: APPROVAL_DETAILS },
  new Date('2024-05-01T10:00:00.000Z'),
);
const approved = decide(approval, { action: 'approve', by: { id: 'U0CAROL', name: 'carol', teams: [] }, at: new Date('2024-05-01T10:05:00.000Z'), current: { sha: SHA, configHash: approval.configHash } });

function syntaxError(text: string): Message {
  const result = parseCommand(text);
  if (result.ok) throw new Error('expected a syntax error');
  return syntaxErrorReply(result.error);
}

/** A report of dev3: one app drifted, one pinned after a failed rollout, one never released. */
const SYNC_REPORT: SyncReport = {
  at: '2024-05-01T09:00:00Z', durationMs: 4_200,
  environments: [{
    env: 'dev3', channel: 'tech-release-dev', skippedFirings: [],
    apps: [
      {
        app: 'mary', disabled: false, release: { commit: 'c0ffee0123456789', app: 'mary', env: 'dev3', kind: 'deploy', sha: SHA, ref: 'main', user: 'alice', at: '2024-05-01T08:00:00Z', message: 'deploy mary@3f2c1ab (main) to dev3 by alice' },
        drift: { state: 'drifted', clusters: [{ cluster: 'kapten_dev_eu-w1', state: 'drifted', changes: ['edited Deployment dev3/mary-web (spec.replicas)'] }] },
        config: { state: 'in-sync', changes: [] },
      },
      {
        app: 'pricing', disabled: false, release: { commit: 'd00dfeed12345678', app: 'pricing', env: 'dev3', kind: 'rollback', sha: OLD_SHA, user: 'nestor', at: '2024-05-01T07:00:00Z', message: 'rollback pricing@9e8d7c6 to dev3 after failed deploy of 3f2c1ab by nestor' },
        pin: { commit: 'd00dfeed12345678', by: 'nestor', at: '2024-05-01T07:00:00Z', reason: 'rollout of 3f2c1ab failed' },
        lastFailure: { commit: 'd00dfeed12345678', at: '2024-05-01T07:00:00Z', user: 'nestor', text: 'rollout of 3f2c1ab failed' },
        drift: { state: 'clean', clusters: [] }, config: { state: 'in-sync', changes: [] },
      },
      { app: 'gandalf', disabled: false },
    ],
  }],
};

/** `/nestor datastore reset dev3 mary-db` asked by alice: the confirmation carries the request back. */
const RESET: DatastoreCommand = { kind: 'datastore', action: 'reset', env: 'dev3', datastore: 'mary-db' };
const RESET_VALUE = resetRequestValue('slack:T0KAPTEN:C0DEPLOYS:1714557600.000100', {
  kind: 'datastore', action: 'reset', env: 'dev3', datastore: 'mary-db', user: 'alice', origin: { kind: 'slack', channel: 'C0DEPLOYS' },
});

/** staging's nightly: dev3's database and cache reset, dev2's cache failed midway (left as it was). */
const NIGHTLY: NightlyRun = {
  env: 'staging', durationMs: 94_000,
  snapshots: [
    { env: 'staging', name: 'mary-cache', ok: true, snapshot: 'staging/mary-cache/2024-05-01T03-00-00.120Z', bytes: 48_213, durationMs: 1_400, message: 'mary-cache of staging (48.2 kB in 1s): staging/mary-cache/2024-05-01T03-00-00.120Z' },
    { env: 'staging', name: 'mary-db', ok: true, snapshot: 'staging/mary-db/2024-05-01T03-00-01.560Z', bytes: 31_400_000, durationMs: 41_000, message: 'mary-db of staging (31.4 MB in 41s): staging/mary-db/2024-05-01T03-00-01.560Z' },
  ],
  resets: [
    { env: 'dev2', name: 'mary-cache', ok: false, durationMs: 2_100, message: 'reset of datastore mary-cache of dev2 failed: scratch_db 15 of datastore dev2/mary-cache holds 3 keys Nestor did not put there: give a database index nothing else uses; mary-cache of dev2 was left as it was' },
    { env: 'dev3', name: 'mary-cache', ok: true, snapshot: 'staging/mary-cache/2024-05-01T03-00-00.120Z', bytes: 48_213, durationMs: 1_300, message: 'mary-cache of dev3 from staging/mary-cache/2024-05-01T03-00-00.120Z (48.2 kB in 1s)' },
    { env: 'dev3', name: 'mary-db', ok: true, snapshot: 'staging/mary-db/2024-05-01T03-00-01.560Z', bytes: 31_400_000, durationMs: 47_000, message: 'mary-db of dev3 from staging/mary-db/2024-05-01T03-00-01.560Z (31.4 MB in 47s)' },
  ],
};
const NIGHTLY_MESSAGES = nightlyMessages(NIGHTLY, { runId: 'nightly-1714532400000', by: 'schedule:datastore-nightly' });

/** `/nestor datastore list dev3`: mary's database (reset last night) and a cache whose store did not answer. */
const dev3Store = { env: 'dev3', source: 'staging', resetAllowed: true, allowInProduction: false, scaleDown: false } as const;
const LISTING: DatastoreListing[] = [
  {
    settings: { ...dev3Store, name: 'mary-db', kind: 'postgresql', connection: { secret: 'mary-db', key: 'url' }, app: 'mary', resetNightly: true, scaleDown: true },
    bytes: 31_400_000,
    snapshots: [],
    sourceSnapshots: [
      { id: 'staging/mary-db/2024-05-01T03-00-01.560Z', env: 'staging', datastore: 'mary-db', kind: 'postgresql', createdAt: '2024-05-01T03:00:01.560Z', bytes: 9_800_000, jobId: 'nightly-1714532400000' },
      { id: 'staging/mary-db/2024-04-30T03-00-01.210Z', env: 'staging', datastore: 'mary-db', kind: 'postgresql', createdAt: '2024-04-30T03:00:01.210Z', bytes: 9_700_000 },
    ],
    lastReset: { env: 'dev3', datastore: 'mary-db', snapshot: 'staging/mary-db/2024-05-01T03-00-01.560Z', at: '2024-05-01T03:01:30.000Z', durationMs: 47_000, jobId: 'nightly-1714532400000' },
  },
  {
    settings: { ...dev3Store, name: 'mary-cache', kind: 'redis', connection: { setting: 'MARY_CACHE_DEV3' }, resetNightly: false },
    sizeError: 'the connection of datastore mary-cache of dev3 is missing: $MARY_CACHE_DEV3 has no value',
    snapshots: [],
    sourceSnapshots: [],
  },
];

export const SAMPLES: Record<string, Message> = {
  'ack-queued': acknowledgement(deploy, 'alice', { kind: 'queued', jobId: '42' }),
  'ack-duplicate': acknowledgement(deploy, 'alice', { kind: 'duplicate', jobId: '42' }),
  'ack-waiting': acknowledgement(deploy, 'bob', { kind: 'waiting', jobId: '43', behind: { jobId: '41', user: 'alice' }, position: 2 }),
  'ack-unavailable': acknowledgement(deploy, 'alice', { kind: 'unavailable' }),
  'ack-slow': acknowledgement(deploy, 'alice', { kind: 'slow' }),
  'late-queued': lateQueueOutcome({ kind: 'queued', jobId: '42' }),
  'late-not-queued': lateQueueOutcome({ kind: 'unavailable' }),
  'awaiting-approval': awaitingApproval(parseCommandOrThrow('deploy mary v1.4.2 production'), ['carol', 'dave'], 60),
  'progress-running': progressMessage(progressAfter(EVENTS.length)),
  'progress-failed': progressMessage(finishProgress(applyEvent(progressAfter(EVENTS.length), { type: 'stage', stage: 'rollout', status: 'failed', message: 'Deployment dev3/mary-web: ImagePullBackOff' }), { outcome: 'failed', message: 'mary: rollout failed in dev3' })),
  'progress-report': progressMessage(finishProgress(startJobProgress('42', { kind: 'report', env: 'dev3', user: 'dave', origin: { kind: 'slack', channel: 'C0DEPLOYS' } }), { outcome: 'released', message: 'report of dev3: 3 apps: 1 drifted, 1 pinned, 1 with a failure (1 never released)' })),
  'sync-report': syncReportMessages(SYNC_REPORT, { by: 'dave', runId: '42' }).summary,
  'datastore-reset-confirmation': resetConfirmation(RESET, RESET_VALUE),
  'datastore-nightly': NIGHTLY_MESSAGES.summary,
  'datastore-nightly-thread': NIGHTLY_MESSAGES.thread[0]!,
  'datastore-list': listingMessages('dev3', LISTING, { runId: '42', by: 'dave' }).summary,
  'progress-done': progressMessage(finishProgress(applyEvent(progressAfter(EVENTS.length), { type: 'stage', stage: 'history', status: 'finished' }), released())),
  'release-announcement': releaseAnnouncement({
    result: released(),
    by: 'alice',
    durationMs: 83_000,
    previous: { sha: OLD_SHA, ref: 'main' },
    changelog: [
      { sha: SHA, subject: 'Fix <!channel> ping & escaping\n\nbody' },
      { sha: 'aa11bb22cc33dd44', subject: 'Add purge cron' },
    ],
  }),
  'release-same-code': releaseAnnouncement({
    result: released({ message: 'scale mary in dev3: web=2: committed (nestor-config 1a2b3c4); released mary@3f2c1ab (feature-x) to dev3' }),
    by: 'alice', durationMs: 21_000, previous: { sha: SHA, ref: 'feature-x' }, changelog: [],
  }),
  'release-failed': releaseAnnouncement({
    result: released({
      outcome: 'rolled-back', message: 'mary: rollout failed in dev3, rolled back to 9e8d7c6', failures: ['Deployment dev3/mary-web: ImagePullBackOff'],
      sha: OLD_SHA, ref: 'main', attempted: { sha: SHA, ref: 'feature-x' },
    }),
    by: 'alice', durationMs: 312_000, previous: { sha: OLD_SHA, ref: 'main' }, changelog: [],
  }),
  'release-branch-not-moved': releasedBranchNotMoved(
    released({ env: 'production', message: 'deployed mary@3f2c1ab (shadow) to production' }),
    { branch: 'production', move: { state: 'refused', branch: 'production', from: OLD_SHA, ownCommits: [{ sha: OLD_SHA, subject: 'Hotfix <!here> straight on production', author: 'bob' }] } },
    'alice', '42',
  ),
  'approval-pending': approvalMessage(approval),
  'approval-approved': approvalMessage(approved.request),
  refusal: refusal('eve may not change production: only @alice, team security', parseCommandOrThrow('deploy mary v1.4.2 production')),
  'syntax-typo': syntaxError('deplyo mary main dev3'),
  'syntax-usage': syntaxError('deploy mary dev3'),
  help: helpReply(),
  'help-deploy': helpReply('deploy'),
  'config-set-secret': configChanged({ action: 'set', app: 'mary', env: 'production', keys: ['API_KEY'], secret: true, by: 'alice', commit: 'd00dfeed12345678' }),
  'config-get': configValues('mary', 'dev3', [{ key: 'LOG_LEVEL', value: 'debug', secret: false }, { key: 'API_KEY', value: 's3cr3t-value', secret: true }]),
  status: statusReply('mary', [
    { env: 'production', ref: 'v1.4.1', sha: OLD_SHA, replicas: { ready: 3, desired: 3 }, releasedAt: '2024-04-30T16:00:00Z', by: 'carol' },
    { env: 'dev3', ref: 'feature-x', sha: SHA, replicas: { ready: 1, desired: 2 }, pinned: 'rollback by alice' },
  ]),
  history: historyReply('mary', 'production', [{ commit: 'c0ffee0123456789', at: '2024-04-30T16:00:00Z', by: 'carol', env: 'production', what: 'deploy v1.4.1 (9e8d7c6)' }]),
  envs: envsReply([
    { name: 'production', approval: true, restricted: true },
    { name: 'staging', parent: 'production', approval: false, restricted: false },
    { name: 'dev3', parent: 'staging', approval: false, restricted: false },
  ]),
  schedules: schedulesReply([
    {
      id: 'nestor:staging:staging-release', schedule: { env: 'staging', name: 'staging-release', kind: 'staging-release', cron: '*/30 * * * *', timeZone: 'UTC' },
      next: new Date('2024-05-01T09:30:00Z'), scheduled: true, skipped: 1,
      last: { firingId: 'f1', trigger: 'schedule', firedAt: '2024-05-01T09:00:00Z', startedAt: '2024-05-01T09:00:01Z', finishedAt: '2024-05-01T09:04:00Z', status: 'succeeded', outcome: { counts: { released: 2, unchanged: 128 }, text: '2 released, 128 unchanged' }, skippedBefore: 0 },
    },
    {
      id: 'nestor:dev3:report', schedule: { env: 'dev3', name: 'report', kind: 'report', cron: '0 9 * * 1-5', timeZone: 'Europe/Paris' },
      next: new Date('2024-05-02T07:00:00Z'), scheduled: false, skipped: 0,
      last: { firingId: 'f2', trigger: 'now', by: 'alice', firedAt: '2024-05-01T08:00:00Z', startedAt: '2024-05-01T08:00:00Z', finishedAt: '2024-05-01T08:00:09Z', status: 'failed', error: 'cluster eu-1 unreachable', skippedBefore: 0 },
    },
  ]),
};
