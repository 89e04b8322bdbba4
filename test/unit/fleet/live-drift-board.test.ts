// What workers publish on the drift board and when the web view calls an entry stale: a report's
// drift per released app (names only, a few at most, each naming its cluster when there are
// several), a release's own word (in sync when applied, unknown when it failed, nothing when it
// applied nothing), and staleness from the environment's `report` schedule (two firings passed)
// or a day without one; the matrix reads the board once for every environment.
import { describe, expect, it } from 'vitest';
import { loadConfigTree } from '../../../src/core/config/index.js';
import { fleetMatrix } from '../../../src/core/fleet/fleet-matrix.js';
import { CHANGES_KEPT, releaseDriftEntry, reportDriftEntries, staleBefore, STALE_WITHOUT_REPORT_MS } from '../../../src/core/fleet/live-drift-board.js';
import type { SyncReport } from '../../../src/core/fleet/sync-report.js';
import type { DriftBoard, DriftEntry } from '../../../src/core/ports/drift-board.js';
import type { ReleaseResult } from '../../../src/core/release/release-deps.js';
import { FakeReleaseHistory } from '../../../src/testkit/fakes/git/fake-release-history.js';
import { MemoryDriftBoard } from '../../../src/testkit/fakes/memory/memory-drift-board.js';
import { exampleConfigFiles } from '../../support/config-fixtures.js';

const AT = '2026-12-02T09:00:01.000Z';
const summary = { app: 'mary', env: 'dev3', commit: 'c'.repeat(40), sha: 'a'.repeat(40), ref: 'main', user: 'alice', at: '2026-12-01T10:00:00Z', kind: 'deploy', message: 'deploy' } as const;

describe('drift board entries', () => {
  it('a report gives each released app its drift by name, cut to a few changes; apps never released give nothing', () => {
    const many = Array.from({ length: CHANGES_KEPT + 5 }, (_, i) => `edited ConfigMap dev3/x-${i} (data)`);
    const report: SyncReport = {
      at: AT, durationMs: 1, environments: [{
        env: 'dev3', skippedFirings: [], apps: [
          { app: 'mary', disabled: false, release: summary, drift: { state: 'drifted', clusters: [
            { cluster: 'eu', state: 'drifted', changes: ['deleted Service dev3/mary'] },
            { cluster: 'us', state: 'unknown', changes: [], why: 'connection refused' },
          ] } },
          { app: 'pricing', disabled: false, release: summary, drift: { state: 'drifted', clusters: [{ cluster: 'eu', state: 'drifted', changes: many }] } },
          { app: 'gandalf', disabled: false },
          { app: 'broken', disabled: false, problem: 'history unreadable' },
        ],
      }],
    };
    const entries = reportDriftEntries(report).get('dev3')!;
    expect([...entries.keys()]).toEqual(['mary', 'pricing']);
    expect(entries.get('mary')).toEqual({ state: 'drifted', changes: ['deleted Service dev3/mary on eu'], why: 'us unreadable: connection refused', checkedAt: AT, source: 'report' });
    expect(entries.get('pricing')?.changes).toHaveLength(CHANGES_KEPT + 1);
    expect(entries.get('pricing')?.changes.at(-1)).toBe('… and 5 more');
  });

  it('a release that applied says its app is in sync; a failed one, unknown; a dry run or a committed config change, nothing', () => {
    const result = (outcome: ReleaseResult['outcome']): ReleaseResult => ({ outcome, app: 'mary', env: 'dev3', message: '', historyPending: false, changes: [], failures: [], diff: '' });
    expect(releaseDriftEntry(result('released'), AT)).toEqual({ state: 'clean', changes: [], checkedAt: AT, source: 'release' });
    expect(releaseDriftEntry(result('rolled-back'), AT)?.state).toBe('clean');
    expect(releaseDriftEntry(result('failed'), AT)).toMatchObject({ state: 'unknown', why: expect.stringMatching(/failed after applying/) });
    for (const outcome of ['dry-run', 'committed', 'unchanged'] as const) expect(releaseDriftEntry(result(outcome), AT)).toBeUndefined();
  });

  it('an entry is stale before the second-to-last firing of the environment\'s report, or a day old without one', async () => {
    const tree = loadConfigTree(await exampleConfigFiles());
    // dev3's report: "0 9 * * 1-5" Europe/Paris, i.e. 08:00 UTC in December.
    expect(new Date(staleBefore(tree, 'dev3', Date.parse('2026-12-02T12:00:00Z'))).toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(new Date(staleBefore(tree, 'dev3', Date.parse('2026-11-30T12:00:00Z'))).toISOString()).toBe('2026-11-27T08:00:00.000Z');
    const now = Date.parse('2026-12-02T12:00:00Z');
    expect(staleBefore(tree, 'staging', now)).toBe(now - STALE_WITHOUT_REPORT_MS);
  });
});

describe('fleet matrix with the drift board', () => {
  it('reads the board once for every environment; marks each released app with its entry, stale or not, or not checked', async () => {
    const tree = loadConfigTree(await exampleConfigFiles());
    const history = new FakeReleaseHistory();
    const record = (app: string, env: string, at: string) => history.record({
      app, env, kind: 'deploy', manifestsByCluster: { c: 'kind: ConfigMap\n' },
      record: { sha: 'a'.repeat(40), ref: 'main', configHash: 'h', user: 'alice', at, jobId: `${app}-${env}-${at}` },
    });
    await record('mary', 'dev3', '2026-12-01T07:00:00Z');
    await record('mary', 'dev1', '2026-12-01T07:00:00Z');
    await record('mary', 'dev2', '2026-12-02T11:00:00Z');
    await record('gandalf', 'dev3', '2026-11-29T07:00:00Z');
    const board = new MemoryDriftBoard();
    const drifted: DriftEntry = { state: 'drifted', changes: ['deleted Service dev3/mary'], checkedAt: '2026-12-02T08:00:01.000Z', source: 'report' };
    await board.publish('dev3', new Map([['mary', drifted], ['gandalf', { ...drifted, checkedAt: '2026-11-30T08:00:01.000Z' }]]));
    await board.publish('dev2', new Map([['mary', { ...drifted, checkedAt: '2026-12-02T08:00:01.000Z' }]]));
    let reads = 0;
    const counted: Pick<DriftBoard, 'read'> = { read: (envs) => (reads++, board.read(envs)) };
    const envs = [...tree.environments.keys()].sort();

    const matrix = await fleetMatrix({ history, environment: {}, drift: counted }, tree, envs, Date.parse('2026-12-02T12:00:00Z'));

    expect(reads).toBe(1);
    expect(matrix.cells.get('mary')?.get('dev3')?.live).toEqual({ entry: drifted });
    expect(matrix.cells.get('gandalf')?.get('dev3')?.live).toMatchObject({ stale: 'no report has read it since two were due' });
    expect(matrix.cells.get('mary')?.get('dev2')?.live).toMatchObject({ stale: 'checked before its latest release' });
    expect(matrix.cells.get('mary')?.get('dev1')?.live).toEqual({});
    expect(matrix.cells.get('mary')?.get('production')?.live).toBeUndefined();
    expect(matrix.liveProblem).toBeUndefined();

    const failing: Pick<DriftBoard, 'read'> = { read: () => Promise.reject(new Error('Redis unavailable: could not read the live drift')) };
    const without = await fleetMatrix({ history, environment: {}, drift: failing }, tree, envs, Date.parse('2026-12-02T12:00:00Z'));
    expect(without.liveProblem).toBe('Redis unavailable: could not read the live drift');
    expect(without.cells.get('mary')?.get('dev3')?.live).toBeUndefined();
    expect(without.cells.get('mary')?.get('dev3')?.release?.sha).toBe('a'.repeat(40));
  });
});
