// One job loads the config once and merges the app's layers once: a deploy merges the tree; a
// scale or config change merges the app's other layers once and puts its app file on top, as it
// is and as edited, then carries that merge through render, apply, record and announcement
// (release-result.test.ts: announced without reloading the config).
// Counted by wrapping the real merge functions and the real config source.
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ParsedFile } from '../../../src/core/config/config-file.js';
import * as merge from '../../../src/core/config/merge.js';
import type { ConfigSource, LoadedConfig } from '../../../src/core/ports/config-source.js';
import { configSet } from '../../../src/core/release/config-change.js';
import { deploy } from '../../../src/core/release/deploy.js';
import type { ReleaseDeps } from '../../../src/core/release/release-deps.js';
import { scale } from '../../../src/core/release/scale.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

vi.mock('../../../src/core/config/merge.js', async (original) => {
  const real = await original<typeof import('../../../src/core/config/merge.js')>();
  return { ...real, mergeLayers: vi.fn(real.mergeLayers), mergeOnto: vi.fn(real.mergeOnto) };
});

const ns = 'dev3';
const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

/**
 * Runs `job` on deps whose config source counts its loads, and counts the merges of mary's files:
 * of the loaded tree's files (the render's merges of single keys, on copies, are not counted), and
 * of an app file onto the others' merge.
 */
async function counted<T>(job: (deps: ReleaseDeps) => Promise<T>): Promise<{ result: T; loads: number; treeMerges: number; fileMerges: number }> {
  const loaded: LoadedConfig[] = [];
  const config: ConfigSource = { load: async () => loaded[loaded.push(await f.deps.config.load()) - 1]! };
  const ofMary = (layers: readonly ParsedFile[]) => layers.some((l) => l.file.path === `${ns}/apps/mary.yaml` || l.file.path === 'production/apps/mary.yaml');
  const ofTree = (layers: readonly ParsedFile[]) => loaded.some(({ tree }) => layers.includes(tree.environments.get('production')!.project));
  vi.mocked(merge.mergeLayers).mockClear();
  vi.mocked(merge.mergeOnto).mockClear();
  const result = await job({ ...f.deps, config });
  return {
    result, loads: loaded.length,
    treeMerges: vi.mocked(merge.mergeLayers).mock.calls.filter(([layers]) => ofMary(layers) && ofTree(layers)).length,
    fileMerges: vi.mocked(merge.mergeOnto).mock.calls.filter(([, layers]) => ofMary(layers)).length,
  };
}

describe('one job, one merge', { timeout: 60_000 }, () => {
  it('a deploy loads the config once and merges the tree once', async () => {
    const run = await counted((deps) => deploy(deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns }));
    expect(run).toMatchObject({ result: { outcome: 'released' }, loads: 1, treeMerges: 1, fileMerges: 0 });
  });

  it('a scale and a config set load the config once, merge the tree once and the app file twice (as it is, as edited)', async () => {
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    const scaled = await counted((deps) => scale(deps, f.ctx(), { app: 'mary', env: ns, specs: ['web=2:3'] }));
    expect(scaled).toMatchObject({ result: { outcome: 'released' }, loads: 1, treeMerges: 1, fileMerges: 2 });
    expect(scaled.result.config?.scales?.['web']).toMatchObject({ minReplicas: 2, maxReplicas: 3 });
    const set = await counted((deps) => configSet(deps, f.ctx(), { app: 'mary', env: ns, variables: { FOO: 'bar' } }));
    expect(set).toMatchObject({ result: { outcome: 'released' }, loads: 1, treeMerges: 1, fileMerges: 2 });
    expect(set.result.config?.variables?.['app']?.['FOO']).toBe('bar');
  });

  it('a scale of an app that runs nothing yet loads and merges as much, and commits', async () => {
    const run = await counted((deps) => scale(deps, f.ctx(), { app: 'mary', env: ns, specs: ['web=2:3'] }));
    expect(run).toMatchObject({ result: { outcome: 'committed' }, loads: 1, treeMerges: 1, fileMerges: 2 });
  });
});
