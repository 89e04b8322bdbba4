// The ReleaseHistory contract, run on the fake and on the git adapter alike.

import { describe, expect, it } from 'vitest';
import { ErrorCode, NestorError } from '../../src/core/errors.js';
import type { RecordInput, ReleaseHistory } from '../../src/core/ports/release-history.js';

export interface HistoryWorld {
  /** A new writer (its own working state) on the shared history remote. */
  open(options?: { key?: string }): ReleaseHistory;
  setRemoteReachable(reachable: boolean): Promise<void>;
  /** Every byte the remote holds, to prove what is never stored. */
  dumpRemote(): Promise<string>;
  /** The same writer after its process restarted: what it kept on disk, nothing in memory. */
  restart(writer: ReleaseHistory): ReleaseHistory;
}

export const HISTORY_KEY = Buffer.alloc(32, 7).toString('base64');
const SHA_A = '1a2b3c4d5e6f77889900aabbccddeeff00112233';
const SHA_B = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';

export const WEB = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: mary-web,  namespace: dev3}   # odd spacing kept as is
spec:
  replicas: 1
`;
const SECRET = `---
apiVersion: v1
kind: Secret
metadata:
  name: mary-env
  namespace: dev3
type: Opaque
stringData:
  API_TOKEN: "s3cr3t-value-123"
data:
  DB_PASSWORD: aHVudGVyMg==
`;

export function release(overrides: Partial<RecordInput> = {}, record: Partial<RecordInput['record']> = {}): RecordInput {
  return {
    app: 'mary',
    env: 'dev3',
    kind: 'deploy',
    manifestsByCluster: { 'kapten_dev_eu-w1': WEB },
    record: { ref: 'feature-x', sha: SHA_A, image: `reg/kapten/mary:${SHA_A}`, configHash: 'c1', user: 'alice', at: '2025-01-02T03:04:05.000Z', ...record },
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<NestorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NestorError);
  return error as NestorError;
}

export function releaseHistoryContract(name: string, makeWorld: () => Promise<HistoryWorld>): void {
  describe.concurrent(`ReleaseHistory contract: ${name}`, () => {
    it('records a release and gives back its manifests byte for byte', async () => {
      const history = (await makeWorld()).open();
      const two = { 'kapten_dev_eu-w1': WEB, 'kapten_dev_us-e1': `${WEB}---\n# trailing comment\n` };
      const { commit, created } = await history.record(release({ manifestsByCluster: two }, { jobId: 'job-1', approvedBy: 'bob' }));
      expect(created).toBe(true);
      const [summary] = await history.list('mary', 'dev3');
      expect(summary).toMatchObject({ commit, kind: 'deploy', sha: SHA_A, ref: 'feature-x', user: 'alice', jobId: 'job-1' });
      expect(summary?.message).toBe('deploy mary@1a2b3c4 (feature-x) to dev3 by alice');
      const got = await history.get('mary', 'dev3');
      expect(got?.manifestsByCluster).toEqual(two);
      expect(got?.record).toMatchObject({ sha: SHA_A, configHash: 'c1', approvedBy: 'bob', jobId: 'job-1' });
      expect(got?.secretsEncrypted).toBe(false);
      expect(await history.list('mary', 'staging')).toEqual([]);
      expect(await history.get('mary', 'staging')).toBeUndefined();
    });

    it('lists newest first, keeps older releases as they were, and drops removed clusters', async () => {
      const history = (await makeWorld()).open();
      const first = await history.record(release({ manifestsByCluster: { a: WEB, b: WEB } }));
      const second = await history.record(release({ kind: 'scale', manifestsByCluster: { a: `${WEB}# v2\n` } }, { sha: SHA_B, ref: undefined, user: 'carol' }));
      const list = await history.list('mary', 'dev3');
      expect(list.map((r) => [r.commit, r.kind])).toEqual([[second.commit, 'scale'], [first.commit, 'deploy']]);
      expect(list[0]?.message).toBe('scale mary@b0b0b0b to dev3 by carol');
      expect((await history.list('mary', 'dev3', 1)).map((r) => r.commit)).toEqual([second.commit]);
      expect((await history.get('mary', 'dev3'))?.manifestsByCluster).toEqual({ a: `${WEB}# v2\n` });
      expect((await history.get('mary', 'dev3', first.commit.slice(0, 8)))?.manifestsByCluster).toEqual({ a: WEB, b: WEB });
      expect((await history.previous('mary', 'dev3'))?.commit).toBe(first.commit);
    });

    it('records a retried job once', async () => {
      const history = (await makeWorld()).open();
      const first = await history.record(release({}, { jobId: '42' }));
      const again = await history.record(release({}, { jobId: '42', at: '2025-01-02T03:09:00.000Z' }));
      expect(again).toEqual({ commit: first.commit, created: false });
      const other = await history.record(release({}, { jobId: '4' }));
      expect(other.created).toBe(true);
      expect(await history.list('mary', 'dev3')).toHaveLength(2);
    });

    it('never stores a Secret value in clear, and restores it with the key', async () => {
      const world = await makeWorld();
      const manifests = { c1: `${WEB}${SECRET}` };
      const keyless = world.open();
      expect(keyless.canRecordSecrets()).toBe(false);
      const refused = await failure(keyless.record(release({ manifestsByCluster: manifests })));
      expect(refused.code).toBe(ErrorCode.BadInput);
      expect(refused.message).toMatch(/refusing to record Secret mary-env in clear/);
      const keyed = world.open({ key: HISTORY_KEY });
      expect(keyed.canRecordSecrets()).toBe(true);
      await keyed.record(release({ manifestsByCluster: manifests }));
      const dump = await world.dumpRemote();
      expect(dump).not.toContain('s3cr3t-value-123');
      expect(dump).not.toContain('aHVudGVyMg==');
      const restored = (await keyed.get('mary', 'dev3'))?.manifestsByCluster.c1 ?? '';
      expect(restored.startsWith(WEB)).toBe(true);
      expect(restored).toContain('API_TOKEN: s3cr3t-value-123');
      expect(restored).toContain('DB_PASSWORD: aHVudGVyMg==');
      const sealed = await keyless.get('mary', 'dev3');
      expect(sealed?.secretsEncrypted).toBe(true);
      expect(sealed?.manifestsByCluster.c1).not.toContain('s3cr3t');
    });

    it('pins and unpins, and every writer sees it', async () => {
      const world = await makeWorld();
      const [one, two] = [world.open(), world.open()];
      const { commit } = await one.record(release());
      await one.pin('mary', 'dev3', { commit: commit.slice(0, 7), reason: 'bad image', by: 'alice' });
      expect(await two.getPin('mary', 'dev3')).toMatchObject({ commit, reason: 'bad image', by: 'alice' });
      expect((await two.list('mary', 'dev3')).map((r) => r.commit)).toEqual([commit]);
      await two.unpin('mary', 'dev3', 'bob');
      expect(await one.getPin('mary', 'dev3')).toBeUndefined();
      const error = await failure(one.pin('mary', 'dev3', { commit: 'abcdef1', reason: 'x', by: 'alice' }));
      expect(error.code).toBe(ErrorCode.BadInput);
    });

    it('ends a hold in a commit that every writer reads back with the heads, the latest end replacing the one before', async () => {
      const world = await makeWorld();
      const [one, two] = [world.open(), world.open()];
      await one.record(release());
      expect((await two.headsOf('dev3')).get('mary')?.holdEnded).toBeUndefined();
      await one.endHold('mary', 'dev3', { by: 'bob', at: '2025-01-03T00:00:00.000Z' });
      expect((await two.headsOf('dev3', ['mary'])).get('mary')?.holdEnded).toEqual({ by: 'bob', at: '2025-01-03T00:00:00.000Z' });
      await two.endHold('mary', 'dev3', { by: 'carol', at: '2025-01-04T00:00:00.000Z' });
      expect((await one.headsOf('dev3')).get('mary')?.holdEnded?.by).toBe('carol');
      expect(await world.dumpRemote()).toContain('end the hold of mary in dev3 by carol');
      expect((await one.list('mary', 'dev3')).map((r) => r.kind)).toEqual(['deploy']);
    });

    it('names who approved a pin and an unpin in their commits', async () => {
      const world = await makeWorld();
      const history = world.open();
      const { commit } = await history.record(release());
      await history.pin('mary', 'dev3', { commit, reason: 'rolled back by bob', by: 'bob', approvedBy: 'carol' });
      expect(await world.open().getPin('mary', 'dev3')).toMatchObject({ commit, by: 'bob', approvedBy: 'carol' });
      expect(await world.dumpRemote()).toContain('Approved-By: carol');
      await history.unpin('mary', 'dev3', 'bob', 'dave');
      expect(await world.dumpRemote()).toContain('Approved-By: dave');
    });

    it('sees what another writer recorded since it last wrote or read an app: its heads, and its job recorded once', async () => {
      const world = await makeWorld();
      const [mine, other] = [world.open(), world.open()];
      await mine.record(release({}, { jobId: 'mine-1' }));
      await mine.record(release({}, { jobId: 'mine-2', sha: SHA_B }));
      expect((await mine.headsOf('dev3', ['mary'])).get('mary')?.latest?.jobId).toBe('mine-2');
      const theirs = await other.record(release({}, { jobId: 'shared', at: '2025-01-02T03:09:00.000Z' }));
      expect((await mine.headsOf('dev3', ['mary'])).get('mary')?.latest?.commit).toBe(theirs.commit);
      expect(await mine.record(release({}, { jobId: 'shared' }))).toEqual({ commit: theirs.commit, created: false });
      const next = await mine.record(release({}, { jobId: 'mine-3' }));
      const again = await other.record(release({}, { jobId: 'mine-3', at: '2025-01-02T03:10:00.000Z' }));
      expect(again).toEqual({ commit: next.commit, created: false });
      expect((await world.open().list('mary', 'dev3')).map((r) => r.jobId)).toEqual(['mine-3', 'shared', 'mine-2', 'mine-1']);
    });

    it('records a job once when another writer recorded it since this one last read the history (a stalled job run twice)', async () => {
      const world = await makeWorld();
      const [mine, other] = [world.open(), world.open()];
      await mine.record(release({}, { jobId: 'first' }));
      const theirs = await other.record(release({}, { jobId: 'stalled', at: '2025-01-02T03:09:00.000Z' }));
      expect(await mine.record(release({}, { jobId: 'stalled', sha: SHA_B }))).toEqual({ commit: theirs.commit, created: false });
      await mine.record(release({}, { jobId: 'after' }));
      expect((await world.open().list('mary', 'dev3')).map((r) => r.jobId)).toEqual(['after', 'stalled', 'first']);
    });

    it('answers heads after its own records as a fresh reader of the history does', async () => {
      const world = await makeWorld();
      const writer = world.open();
      const apps = ['mary', 'ann', 'zoe'];
      await writer.headsOf('dev3', apps);
      await writer.record(release({}, { jobId: 'm1' }));
      await writer.record(release({ app: 'ann' }, { jobId: 'a1', configFingerprint: 'abcd' }));
      await Promise.all([
        writer.record(release({}, { jobId: 'm2', sha: SHA_B, trailers: { 'Nestor-Note': 'second' } })),
        writer.record(release({ app: 'ann', kind: 'rollback' }, { jobId: 'a2', configFingerprint: 'ef01' })),
      ]);
      const heads = await writer.headsOf('dev3', apps);
      expect(heads.get('mary')?.latest?.jobId).toBe('m2');
      expect(heads).toEqual(await world.open().headsOf('dev3', apps));
    });

    it('records a rerun job once after a burst of more apps than it keeps in memory', async () => {
      const history = (await makeWorld()).open();
      const apps = Array.from({ length: 520 }, (_, i) => `app${i}`);
      const first = await Promise.all(apps.map((app) => history.record(release({ app }, { jobId: `job-${app}` }))));
      const again = await Promise.all(['app0', 'app519'].map((app) => history.record(release({ app }, { jobId: `job-${app}`, sha: SHA_B }))));
      expect(again).toEqual([{ commit: first[0]!.commit, created: false }, { commit: first[519]!.commit, created: false }]);
    });

    it('lands concurrent writes of several writers without losing any', async () => {
      const world = await makeWorld();
      const writers = [world.open(), world.open()];
      await Promise.all(
        writers.flatMap((w, i) => [
          w.record(release({ app: `app${i}` }, { jobId: `w${i}-1` })),
          w.record(release({ app: 'shared' }, { jobId: `w${i}-2` })),
        ]),
      );
      const reader = world.open();
      expect(await reader.list('app0', 'dev3')).toHaveLength(1);
      expect(await reader.list('app1', 'dev3')).toHaveLength(1);
      expect((await reader.list('shared', 'dev3')).map((r) => r.jobId).sort()).toEqual(['w0-2', 'w1-2']);
    });

    it('records each retried job of a burst once, whichever apps and however long ago they were released', async () => {
      const history = (await makeWorld()).open();
      const early = await history.record(release({ app: 'early' }, { jobId: 'e-1' }));
      const busy = Array.from({ length: 101 }, (_, i) => ({ sha: i % 2 ? SHA_A : SHA_B, jobId: `busy-${i}`, at: `2025-01-02T04:${String(i % 60).padStart(2, '0')}:00.000Z` }));
      await Promise.all(busy.map((r) => history.record(release({ app: 'busy' }, r))));
      // Asked while a read holds the history: the three go in one batch.
      const [, earlyAgain, busyAgain, busyNew] = await Promise.all([
        history.list('busy', 'dev3', 1),
        history.record(release({ app: 'early' }, { jobId: 'e-1', at: '2025-01-03T00:00:00.000Z' })),
        history.record(release({ app: 'busy' }, { ...busy[100]!, at: '2025-01-03T00:00:00.000Z' })),
        history.record(release({ app: 'busy' }, { jobId: 'busy-new', at: '2025-01-03T00:00:00.000Z' })),
      ]);
      expect(earlyAgain).toEqual({ commit: early.commit, created: false });
      expect(busyAgain.created).toBe(false);
      expect(busyNew.created).toBe(true);
      expect(await history.list('early', 'dev3')).toHaveLength(1);
    });

    it('gives each of a burst of records on one writer its own commit, every one published', async () => {
      const world = await makeWorld();
      const writer = world.open();
      const apps = Array.from({ length: 12 }, (_, i) => `burst${i}`);
      const results = await Promise.all(apps.map((app) => writer.record(release({ app }, { jobId: `b-${app}` }))));
      expect(results.every((r) => r.created)).toBe(true);
      expect(new Set(results.map((r) => r.commit)).size).toBe(apps.length);
      const reader = world.open();
      for (const [i, app] of apps.entries()) {
        const [latest] = await reader.list(app, 'dev3');
        expect(latest).toMatchObject({ commit: results[i]!.commit, jobId: `b-${app}` });
      }
    });

    it('reports every record of a burst pending when the remote is down, and publishes them all later', async () => {
      const world = await makeWorld();
      const writer = world.open();
      await writer.record(release({}, { jobId: 'first' }));
      await world.setRemoteReachable(false);
      const outcomes = await Promise.all(['p1', 'p2', 'p3'].map((id) => failure(writer.record(release({ app: id }, { jobId: id })))));
      expect(outcomes.map((e) => e.code)).toEqual([ErrorCode.HistoryPending, ErrorCode.HistoryPending, ErrorCode.HistoryPending]);
      await world.setRemoteReachable(true);
      expect(await writer.flushPending()).toEqual({ pushed: 3, pending: 0 });
      const reader = world.open();
      for (const id of ['p1', 'p2', 'p3']) expect((await reader.list(id, 'dev3'))[0]?.jobId).toBe(id);
    });

    it('drops a kept commit whose job another writer recorded meanwhile (a job rerun after a crash): one commit per job', async () => {
      const world = await makeWorld();
      const [crashed, other] = [world.open(), world.open()];
      await crashed.record(release({}, { jobId: 'before' }));
      await world.setRemoteReachable(false);
      // Committed, never pushed: what a worker leaves when it dies between the two.
      expect((await failure(crashed.record(release({}, { jobId: 'rerun', sha: SHA_B })))).code).toBe(ErrorCode.HistoryPending);
      await world.setRemoteReachable(true);
      const rerun = { jobId: 'rerun', sha: SHA_B, at: '2025-01-02T03:09:00.000Z' };
      expect((await other.record(release({}, rerun))).created).toBe(true);
      const restarted = world.restart(crashed);
      expect(await restarted.flushPending()).toEqual({ pushed: 0, pending: 0 });
      expect((await world.open().list('mary', 'dev3')).map((r) => `${r.jobId} ${r.at}`)).toEqual([`rerun ${rerun.at}`, 'before 2025-01-02T03:04:05.000Z']);
      await restarted.record(release({}, { jobId: 'after' }));
      expect((await world.open().list('mary', 'dev3')).map((r) => r.jobId)).toEqual(['after', 'rerun', 'before']);
    });

    it('keeps a release it cannot publish, reports it pending, and publishes it later', async () => {
      const world = await makeWorld();
      const [writer, reader] = [world.open(), world.open()];
      await writer.record(release({}, { jobId: 'before' }));
      await world.setRemoteReachable(false);
      const error = await failure(writer.record(release({}, { jobId: 'during', sha: SHA_B })));
      expect(error.code).toBe(ErrorCode.HistoryPending);
      expect(error.retryable).toBe(true);
      expect((await writer.list('mary', 'dev3'))[0]?.jobId).toBe('during');
      await expect(writer.flushPending()).rejects.toMatchObject({ code: ErrorCode.HistoryPending });
      await world.setRemoteReachable(true);
      expect(await writer.flushPending()).toEqual({ pushed: 1, pending: 0 });
      expect(await writer.flushPending()).toEqual({ pushed: 0, pending: 0 });
      expect((await reader.list('mary', 'dev3')).map((r) => r.jobId)).toEqual(['during', 'before']);
      const retried = await writer.record(release({}, { jobId: 'during', sha: SHA_B }));
      expect(retried.created).toBe(false);
    });

    it('reads where every app of an environment stands at once, as the reads per app do', async () => {
      const world = await makeWorld();
      const history = world.open();
      const old = await history.record(release({ app: 'ann' }));
      await history.pin('ann', 'dev3', { commit: old.commit, reason: 'bad image', by: 'alice' });
      await history.record(release({ app: 'mary', env: 'staging' }, { configFingerprint: 'f1e2d3c4b5a69788' }));
      const first = await history.record(release({ app: 'john' }, { jobId: 'j0' }));
      // More releases since ann's than a first short read of the history looks at.
      for (let i = 1; i <= 12; i++) await history.record(release({ app: 'john' }, { jobId: `j${i}`, sha: SHA_B }));
      await history.record(release({ app: 'john', kind: 'rollback' }, { jobId: 'back', previous: first.commit }));
      const reader = world.open();
      const apps = ['ann', 'john', 'zoe'];
      const perApp = new Map(await Promise.all(apps.map(async (app) => {
        const [latest] = await reader.list(app, 'dev3', 1);
        const pin = await reader.getPin(app, 'dev3');
        return [app, { ...(latest ? { latest } : {}), ...(pin ? { pin } : {}) }] as const;
      })));
      const heads = await reader.headsOf('dev3', apps);
      expect(heads).toEqual(perApp);
      expect(heads.get('ann')).toMatchObject({ latest: { commit: old.commit }, pin: { commit: old.commit, by: 'alice' } });
      expect(heads.get('john')).toEqual({ latest: expect.objectContaining({ kind: 'rollback', jobId: 'back' }) });
      expect(heads.get('zoe')).toEqual({});
      expect(await reader.headsOf('dev3')).toEqual(new Map([...perApp].filter(([app]) => app !== 'zoe')));
      // The config fingerprint a release recorded comes back with its head (the web matrix compares it); none when not recorded.
      expect((await reader.headsOf('staging')).get('mary')?.latest?.configFingerprint).toBe('f1e2d3c4b5a69788');
      expect(heads.get('ann')?.latest?.configFingerprint).toBeUndefined();
      expect([...(await reader.headsOf('staging')).keys()]).toEqual(['mary']);
      expect(await reader.headsOf('dev4')).toEqual(new Map());
      expect((await failure(reader.headsOf('../dev3'))).code).toBe(ErrorCode.BadInput);
      expect((await failure(reader.headsOf('dev3', ['a/b']))).code).toBe(ErrorCode.BadInput);
    });

    it('answers heads asked at once (as a fleet\'s releases ask, each for its own app) as it answers them one by one', async () => {
      const world = await makeWorld();
      const history = world.open();
      const ann = await history.record(release({ app: 'ann' }));
      await history.pin('ann', 'dev3', { commit: ann.commit, reason: 'bad image', by: 'alice' });
      await history.record(release({ app: 'john' }));
      await history.record(release({ app: 'mary', env: 'staging' }));
      const [one, together] = [world.open(), world.open()];
      const apart = [await one.headsOf('dev3', ['ann']), await one.headsOf('dev3', ['john', 'zoe']), await one.headsOf('staging'), await one.headsOf('dev3')];
      expect(apart[0]?.get('ann')).toMatchObject({ latest: { commit: ann.commit }, pin: { by: 'alice' } });
      expect(await Promise.all([together.headsOf('dev3', ['ann']), together.headsOf('dev3', ['john', 'zoe']), together.headsOf('staging'), together.headsOf('dev3')])).toEqual(apart);
    });

    it('refuses bad names and commits with one clear line', async () => {
      const history = (await makeWorld()).open();
      for (const app of ['../../x', 'a/b', 'Mary', 'x'.repeat(64)]) {
        expect((await failure(history.record(release({ app })))).code).toBe(ErrorCode.BadInput);
      }
      expect((await failure(history.record(release({ manifestsByCluster: { '../c': WEB } })))).code).toBe(ErrorCode.BadInput);
      expect((await failure(history.get('mary', 'dev3', 'HEAD;id'))).code).toBe(ErrorCode.BadInput);
      expect(await history.get('mary', 'dev3', 'abcdef1')).toBeUndefined();
    });
  });
}
