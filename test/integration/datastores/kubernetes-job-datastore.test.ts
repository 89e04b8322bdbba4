// A kubernetes-job datastore as jobs and the nightly schedule run it, on the example config with
// one added (mary's `events`, a store only a Job reaches), the kube simulator running the Jobs
// through the real client and the real git history: its snapshot and its reset are one-off Jobs
// of mary's running release in the datastore's image, told what to do; a failed Job says so with
// the end of its log; an app never released is refused clearly. The nightly schedule holds each
// environment's datastore lock, the one a chat `datastore` job holds: it waits for it, and past
// its wait leaves that environment's datastores as they were.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datastorePorts } from '../../../src/adapters/datastores/datastore-ports.js';
import type { DatastoreDeps } from '../../../src/core/datastores/datastore-deps.js';
import { runDatastoreJob } from '../../../src/core/datastores/datastore-job.js';
import { datastoreNightly } from '../../../src/core/datastores/datastore-nightly.js';
import { datastoreLockKey } from '../../../src/core/ports/locks.js';
import { deploy } from '../../../src/core/release/deploy.js';
import type { KubeObject } from '../../../src/testkit/kube-sim/index.js';
import { eventually } from '../../support/eventually.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const DUMP = 'mongodump --archive=/backups/$NESTOR_SNAPSHOT';
const RESTORE = 'mongorestore --drop --archive=/backups/$NESTOR_SNAPSHOT';

const f = useReleaseFixture();

/** mary's `events` in every environment, snapshotted from staging; dev3 resets it nightly (staging's datastore-nightly schedule is the example config's). */
function declareEvents(configDir: string): void {
  appendFileSync(join(configDir, 'production/apps/mary.yaml'), [
    'datastores:',
    `  events: { kind: kubernetes-job, source: staging, job: { image: "mongo:7", snapshot_command: "${DUMP}", restore_command: "${RESTORE}" } }`,
    '',
  ].join('\n'));
  // dev3/project.yaml ends with its datastores: one more there.
  appendFileSync(join(configDir, 'dev3/project.yaml'), '  events: { reset_nightly: true }\n');
}

function datastoreDeps(): DatastoreDeps {
  return { ...f.deps, datastores: datastorePorts({ root: join(f.configDir, '..'), clock: f.deps.clock, clusters: f.deps.clusters }) };
}

/** The Jobs the simulator ran, each succeeding with a log line, or as `outcome` says. */
function runJobs(outcome: (job: KubeObject) => { succeeded: boolean; log: string } = () => ({ succeeded: true, log: 'dumped 42 documents' })): KubeObject[] {
  const ran: KubeObject[] = [];
  f.sim.controllers.options.jobRunner = (job) => {
    ran.push(job);
    return outcome(job);
  };
  return ran;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading a Job's pod template in assertions
const container = (job: KubeObject | undefined): any => (job?.['spec'] as any)?.template.spec.containers[0];
const told = (job: KubeObject | undefined, name: string): string | undefined =>
  (container(job).env as { name: string; value?: string }[]).find((e) => e.name === name)?.value;

describe('kubernetes-job datastores', () => {
  it('snapshot staging and reset dev3 run Jobs of mary\'s running release in the datastore\'s image, told the snapshot', async () => {
    declareEvents(f.configDir);
    const deps = datastoreDeps();
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'staging' });
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    const ran = runJobs();

    const snapshot = await runDatastoreJob(deps, f.ctx('alice', 'job-snap'), { action: 'snapshot', env: 'staging', datastore: 'events' });
    expect(snapshot.outcome).toBe('snapshotted');
    const [taken] = await deps.datastores.snapshots({ folder: 'snapshots' }).list('staging', 'events');
    // Its size is the reference's file: the data is where the Job keeps it.
    expect(snapshot.message).toBe(`snapshotted events of staging (${taken!.bytes} B in 2s): ${taken!.id}`);
    expect(ran.map((j) => `${j.metadata.namespace}/${j.metadata.name}`)).toEqual(['staging/mary-datastore-snapshot-events-job-snap']);
    expect(container(ran[0])).toMatchObject({ image: 'mongo:7', command: ['/bin/sh', '-c', `exec ${DUMP}`], envFrom: [{ configMapRef: { name: 'mary' } }] });
    expect(told(ran[0], 'NESTOR_SNAPSHOT')).toBe(taken!.id);
    expect(ran[0]!.metadata.labels).toMatchObject({ 'nestor.io/release': f.app.shas.feature.slice(0, 7) });

    const reset = await runDatastoreJob(deps, f.ctx('alice', 'job-reset'), { action: 'reset', env: 'dev3', datastore: 'events' });
    expect(reset).toMatchObject({ outcome: 'reset' });
    expect(ran.map((j) => `${j.metadata.namespace}/${j.metadata.name}`)).toEqual(['staging/mary-datastore-snapshot-events-job-snap', 'dev3/mary-datastore-restore-events-job-reset']);
    expect(container(ran[1])).toMatchObject({ image: 'mongo:7', command: ['/bin/sh', '-c', `exec ${RESTORE}`] });
    expect([told(ran[1], 'NESTOR_ACTION'), told(ran[1], 'NESTOR_ENV'), told(ran[1], 'NESTOR_SNAPSHOT')]).toEqual(['restore', 'dev3', taken!.id]);
    expect(await deps.datastores.snapshots({ folder: 'snapshots' }).lastReset('dev3', 'events')).toMatchObject({ snapshot: taken!.id, jobId: 'job-reset' });
  });

  it('a failed Job fails the reset with the end of its log; an app with no release in the environment is refused naming what to do', async () => {
    declareEvents(f.configDir);
    const deps = datastoreDeps();
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'staging' });
    runJobs();
    await runDatastoreJob(deps, f.ctx('alice', 'job-snap'), { action: 'snapshot', env: 'staging', datastore: 'events' });

    await expect(runDatastoreJob(deps, f.ctx('alice', 'job-reset'), { action: 'reset', env: 'dev3', datastore: 'events' })).rejects.toThrow(
      'dev3: reset of datastore events of dev3 failed: datastore events of dev3 runs as a Job of mary, which has no release in dev3: deploy mary to dev3 first (the Job reads its ConfigMap and Secret); events of dev3 was left as it was',
    );

    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    runJobs(() => ({ succeeded: false, log: 'connecting to mongo\nmongorestore: connection refused\n' }));
    await expect(runDatastoreJob(deps, f.ctx('alice', 'job-reset-2'), { action: 'reset', env: 'dev3', datastore: 'events' })).rejects.toThrow(
      'dev3: reset of datastore events of dev3 failed: the restore Job Job dev3/mary-datastore-restore-events-job-reset-2 of datastore dev3/events failed: BackoffLimitExceeded (Job has reached the specified backoff limit); the end of its log: connecting to mongo | mongorestore: connection refused; events of dev3 was left as it was',
    );
    expect(await deps.datastores.snapshots({ folder: 'snapshots' }).lastReset('dev3', 'events')).toBeUndefined();
  });

  it('the nightly schedule waits for dev3\'s datastore lock a chat job holds, then resets dev3; past its wait it leaves dev3 as it was', async () => {
    declareEvents(f.configDir);
    const deps = datastoreDeps();
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'staging' });
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    const ran = runJobs();
    const chat = { id: 'job-chat-reset', user: 'bob', operation: 'datastore reset dev3 events' };
    const held = await f.deps.locks.acquire(datastoreLockKey('dev3'), chat, 60_000);
    expect(held.held).toBe(true);

    const nightly = datastoreNightly(deps, f.ctx('schedule:datastore-nightly', 'firing-1'), 'staging');
    await eventually('the nightly waiting behind the chat reset', () =>
      f.events.some((e) => e.type === 'waiting' && e.message.startsWith('the datastores of dev3 is busy: waiting behind datastore reset dev3 events by bob')));
    // Taken already, while the chat reset holds dev3: staging's snapshot; nothing of dev3 ran.
    expect(ran.map((j) => j.metadata.name)).toEqual(['mary-datastore-snapshot-events-firing-1']);
    if (held.held) await held.release();
    const run = await nightly;
    const events = run.resets.find((r) => r.name === 'events');
    expect(events).toMatchObject({ env: 'dev3', ok: true });
    expect(ran.map((j) => j.metadata.name)).toEqual(['mary-datastore-snapshot-events-firing-1', 'mary-datastore-restore-events-firing-1']);

    const again = await f.deps.locks.acquire(datastoreLockKey('dev3'), chat, 60_000);
    const impatient = { ...deps, tuning: { ...deps.tuning, lockWaitMs: 100 } };
    const second = await datastoreNightly(impatient, f.ctx('schedule:datastore-nightly', 'firing-2'), 'staging');
    expect(second.snapshots.find((s) => s.name === 'events')).toMatchObject({ ok: true });
    expect(second.resets.find((r) => r.name === 'events')?.message)
      .toMatch(/^datastore events of dev3 not reset: dev3:datastore is busy: datastore reset dev3 events by bob since .*; left as it was$/);
    expect(ran.map((j) => j.metadata.name)).toEqual(['mary-datastore-snapshot-events-firing-1', 'mary-datastore-restore-events-firing-1', 'mary-datastore-snapshot-events-firing-2']);
    if (again.held) await again.release();
  });
});
