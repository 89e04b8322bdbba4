// The Kubernetes-Job driver on the simulator: a snapshot and a restore are one-off Jobs of the
// datastore's app in the configured image and command, told the action, environment,
// datastore and snapshot; a failed Job is a failure naming it and the end of its log; a stopped one is deleted.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobRunId, kubernetesJobDriver } from '../../../src/adapters/datastores/kubernetes-job-driver.js';
import { KubeClusterProvider } from '../../../src/adapters/kube/client/kube-cluster-provider.js';
import type { DatastoreTarget } from '../../../src/core/ports/datastores.js';
import { settlingClock, startKubeSimulator, typeOf, type KubeObject, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { simKubeConfig } from '../../support/kube-sim-provider.js';
import { builtinTemplates, mary, SHA } from '../../unit/render/configs.js';

const CONTEXT = 'kapten_production_eu-w1';
let sim: KubeSimulator;
let dir: string;
let ran: KubeObject[];
let driver: ReturnType<typeof kubernetesJobDriver>;
let clusters: KubeClusterProvider;

beforeAll(async () => {
  sim = await startKubeSimulator({ port: 0, clock: 'manual', controllers: { readyDelayMs: 0 } });
  clusters = new KubeClusterProvider(simKubeConfig(sim, [CONTEXT]));
  await clusters.cluster(CONTEXT).apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'production' } }], { fieldManager: 'test' });
  driver = kubernetesJobDriver({ clusters, clock: settlingClock(sim), fieldManager: 'nestor', pollIntervalMs: 1000 });
  dir = mkdtempSync(join(tmpdir(), 'nestor-job-snapshots-'));
});

beforeEach(() => {
  ran = [];
  sim.controllers.options.jobRunner = (job) => {
    ran.push(job);
    return { succeeded: true };
  };
});

afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function target(): Promise<DatastoreTarget> {
  return {
    env: 'production', name: 'events', kind: 'kubernetes-job',
    connection: {
      job: { app: 'mary', env: 'production', config: mary(), version: { sha: SHA }, templates: await builtinTemplates() },
      image: 'mongo:7', snapshotCommand: 'mongodump --archive=/backups/$NESTOR_SNAPSHOT', restoreCommand: 'mongorestore --drop --archive=/backups/$NESTOR_SNAPSHOT',
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading a Job's pod template in assertions
const container = (job: KubeObject | undefined): any => (job?.['spec'] as any)?.template.spec.containers[0];

describe('Kubernetes-Job driver', () => {
  it('takes a snapshot by a Job of the app in the configured image and command, and restores it by another', async () => {
    const file = join(dir, 'snap.jobref.json');
    await driver.snapshot(await target(), file, { snapshotId: 'production/events/2026-12-02T03-00-00.000Z', runId: 'r1' });
    expect(ran.map((j) => j.metadata.name)).toEqual(['mary-datastore-snapshot-events-r1']);
    expect(container(ran[0])).toMatchObject({
      image: 'mongo:7', command: ['/bin/sh', '-c', 'exec mongodump --archive=/backups/$NESTOR_SNAPSHOT'],
      envFrom: [{ configMapRef: { name: 'mary' } }],
    });
    expect(container(ran[0]).env).toEqual(expect.arrayContaining([
      { name: 'NESTOR_ACTION', value: 'snapshot' }, { name: 'NESTOR_ENV', value: 'production' },
      { name: 'NESTOR_DATASTORE', value: 'events' }, { name: 'NESTOR_SNAPSHOT', value: 'production/events/2026-12-02T03-00-00.000Z' },
    ]));
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      kind: 'kubernetes-job', snapshotId: 'production/events/2026-12-02T03-00-00.000Z', job: 'Job production/mary-datastore-snapshot-events-r1',
    });

    await driver.restore(await target(), file, { snapshotId: 'production/events/2026-12-02T03-00-00.000Z', runId: 'r2' });
    expect(ran.map((j) => j.metadata.name)).toEqual(['mary-datastore-snapshot-events-r1', 'mary-datastore-restore-events-r2']);
    expect(container(ran[1]).env).toEqual(expect.arrayContaining([{ name: 'NESTOR_ACTION', value: 'restore' }]));
    expect(await driver.size(await target())).toBeUndefined();
  });

  it('fails naming the Job and the datastore when the Job fails, and refuses a snapshot another kind took', async () => {
    sim.controllers.options.jobRunner = () => ({ succeeded: false, log: 'mongorestore: connection refused' });
    const file = join(dir, 'other.jobref.json');
    await writeFile(file, JSON.stringify({ kind: 'kubernetes-job', snapshotId: 's1', job: 'Job production/x' }));
    await expect(driver.restore(await target(), file, { snapshotId: 's1', runId: 'r3' })).rejects.toMatchObject({
      code: 'datastore_failed',
      message: 'the restore Job Job production/mary-datastore-restore-events-r3 of datastore production/events failed: BackoffLimitExceeded (Job has reached the specified backoff limit); the end of its log: mongorestore: connection refused',
    });
    await writeFile(file, 'PGDMP...');
    await expect(driver.restore(await target(), file, { snapshotId: 's1', runId: 'r4' })).rejects.toMatchObject({
      code: 'datastore_failed', message: 'the snapshot s1 is not one a kubernetes-job datastore took',
    });
  });

  it('names the Job of a run whose id is no DNS label (a schedule firing, a Slack request) within 63 characters, the same each time', async () => {
    const firing = 'repeat:nestor:production:datastore-nightly:1714532400000';
    await driver.snapshot(await target(), join(dir, 'firing.jobref.json'), { snapshotId: 'production/events/2026-12-02T03-00-00.000Z', runId: firing });
    const name = String(ran[0]!.metadata.name);
    expect(name).toMatch(/^mary-datastore-snapshot-events-repeat-nestor-productio-[0-9a-f]{8}$/);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(jobRunId('mary-datastore-snapshot-', `events-${firing}`)).toBe(name.slice('mary-datastore-snapshot-'.length));
    expect(jobRunId('mary-datastore-restore-', 'slack-T0KAPTEN-1714557600.123.abc')).toMatch(/^slack-t0kapten-1714557600-123-a-[0-9a-f]{8}$/);
    expect(jobRunId('mary-datastore-restore-', 'r2')).toBe('r2');
  });

  it('deletes the Job when stopped', async () => {
    const stop = new AbortController();
    // A clock whose first wait is where the user stops: the Job is still running then.
    const stopping = kubernetesJobDriver({ clusters, clock: { now: () => 0, sleep: async () => stop.abort() }, fieldManager: 'nestor' });
    await expect(stopping.snapshot(await target(), join(dir, 'stopped.jobref.json'), { snapshotId: 's2', runId: 'r5', signal: stop.signal }))
      .rejects.toMatchObject({ code: 'cancelled', message: 'the snapshot Job Job production/mary-datastore-snapshot-events-r5 of datastore production/events was stopped (and deleted)' });
    expect(sim.store.get(typeOf('Job'), 'production', 'mary-datastore-snapshot-events-r5')).toBeUndefined();
    expect(ran).toEqual([]);
  });
});
