// The web view's matrix at the size the goals name (25 environments × 130 apps): built from one
// head read per environment, all asked at once (the git history answers concurrent head reads
// with one read of the repository), and nothing read per app; drift marked against the
// environment followed, pins shown, config out of sync marked from the fingerprint the heads
// carry (no read of the app's repository), an environment whose history fails reported beside the rest.
import { describe, expect, it } from 'vitest';
import { generateConfig } from '../../../bench/generate-config.js';
import { appConfig, loadConfigTree, type ConfigTree } from '../../../src/core/config/index.js';
import { fleetMatrix } from '../../../src/core/fleet/fleet-matrix.js';
import type { ReleaseHistory } from '../../../src/core/ports/release-history.js';
import { configuredConfig } from '../../../src/core/render/index.js';
import { configFingerprint } from '../../../src/core/release/run-release.js';
import { FakeReleaseHistory } from '../../../src/testkit/fakes/git/fake-release-history.js';

const NOW = Date.parse('2026-12-02T12:00:00Z');

function fleet(): ConfigTree {
  const generated = generateConfig(130, 25);
  // dev1 follows staging's versions.
  const files = generated.files.map((f) => (f.path === 'dev1/project.yaml' ? { ...f, text: `${f.text}release: { version_sync: { from: staging } }\n` } : f));
  return loadConfigTree(files);
}

/** The history with every call counted by method; `inFlight` the most head reads asked before one was answered. */
function counted(history: ReleaseHistory) {
  const calls = new Map<string, number>();
  let pending = 0;
  let inFlight = 0;
  const proxy = new Proxy(history, {
    get: (target, key: string) => {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(key, (calls.get(key) ?? 0) + 1);
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (key !== 'headsOf') return result;
        inFlight = Math.max(inFlight, ++pending);
        return (result as Promise<unknown>).finally(() => void pending--);
      };
    },
  });
  return { proxy, calls, inFlight: () => inFlight };
}

async function release(history: ReleaseHistory, app: string, env: string, sha: string, at: string, fingerprint?: string): Promise<void> {
  await history.record({
    app, env, kind: 'deploy', manifestsByCluster: { c: 'kind: ConfigMap\n' },
    record: { sha, ref: 'main', configHash: 'h', user: 'alice', at, jobId: `${app}-${env}-${sha}`, ...(fingerprint ? { configFingerprint: fingerprint } : {}) },
  });
}

/** The fingerprint a release of the app's config as it is now records. */
const fingerprintNow = (tree: ConfigTree, app: string, env: string): string => configFingerprint(configuredConfig(appConfig(tree, app, env), {}));

describe('fleet matrix', () => {
  it('reads 25 environments × 130 apps with one head read per environment, all asked at once, and nothing per app', async () => {
    const history = new FakeReleaseHistory();
    await release(history, 'app-000', 'staging', 'b'.repeat(40), '2026-12-01T12:00:00Z');
    await release(history, 'app-000', 'dev1', 'a'.repeat(40), '2026-12-02T11:00:00Z');
    await release(history, 'app-001', 'staging', 'c'.repeat(40), '2026-12-01T12:00:00Z');
    await release(history, 'app-001', 'dev1', 'c'.repeat(40), '2026-12-01T13:00:00Z');
    await release(history, 'app-002', 'production', 'd'.repeat(40), '2026-11-30T12:00:00Z');
    const [held] = await history.list('app-002', 'production', 1);
    await history.pin('app-002', 'production', { commit: held!.commit, reason: 'incident 42', by: 'bob' });
    const tree = fleet();
    await release(history, 'app-003', 'staging', 'e'.repeat(40), '2026-12-01T12:00:00Z', fingerprintNow(tree, 'app-003', 'staging'));
    await release(history, 'app-004', 'staging', 'e'.repeat(40), '2026-12-01T12:00:00Z', 'f0f0f0f0f0f0f0f0');
    const { proxy, calls, inFlight } = counted(history);
    const envs = [...tree.environments.keys()].sort();
    expect(envs).toHaveLength(25);

    const matrix = await fleetMatrix({ history: proxy, environment: {} }, tree, envs, NOW);

    expect(Object.fromEntries(calls)).toEqual({ headsOf: 25 });
    expect(inFlight()).toBe(25);
    expect(matrix.apps).toHaveLength(130);
    expect(matrix.cells.get('app-000')?.get('dev1')).toMatchObject({ release: { sha: 'a'.repeat(40) }, ageMs: 3_600_000, drift: { from: 'staging', sha: 'b'.repeat(40) } });
    expect(matrix.cells.get('app-001')?.get('dev1')?.drift).toBeUndefined();
    expect(matrix.cells.get('app-000')?.get('dev2')?.drift).toBeUndefined();
    expect(matrix.cells.get('app-002')?.get('production')).toMatchObject({ pin: { reason: 'incident 42', by: 'bob' }, disabled: false });
    expect(matrix.environments.find((e) => e.name === 'dev1')).toEqual({ name: 'dev1', follows: 'staging' });
    // Released with the config as it is: in sync; with another config: out of sync; recorded without a fingerprint: not told.
    expect(matrix.cells.get('app-003')?.get('staging')?.configOutOfSync).toBeUndefined();
    expect(matrix.cells.get('app-004')?.get('staging')).toMatchObject({ configOutOfSync: true });
    expect(matrix.cells.get('app-000')?.get('staging')?.configOutOfSync).toBeUndefined();
    expect([...matrix.cells.values()].flatMap((row) => [...row.values()]).filter((c) => c.configOutOfSync || c.configProblem)).toHaveLength(1);
  });

  it('reports an environment whose history cannot be read, and shows the others', async () => {
    const history = new FakeReleaseHistory();
    await release(history, 'app-000', 'staging', 'b'.repeat(40), '2026-12-01T12:00:00Z');
    const failing: Pick<ReleaseHistory, 'headsOf'> = {
      headsOf: (env, apps) => (env === 'dev3' ? Promise.reject(new Error('history clone busted')) : history.headsOf(env, apps)),
    };
    const matrix = await fleetMatrix({ history: failing, environment: {} }, fleet(), ['dev3', 'staging'], NOW);
    expect([...matrix.problems]).toEqual([['dev3', 'history clone busted']]);
    expect(matrix.cells.get('app-000')?.get('staging')?.release?.sha).toBe('b'.repeat(40));
  });
});
