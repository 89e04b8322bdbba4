// What a release result carries for what comes after it (the announcement): the app's config as
// the job merged it, and the version that ran before, so nothing reloads the config or searches
// the history again once the pipeline is done.
import { afterAll, describe, expect, it } from 'vitest';
import { announcerOf, type Deliver } from '../../../src/main/worker-announce.js';
import type { AnnounceInput } from '../../../src/adapters/slack/notifier/index.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { rollback } from '../../../src/core/release/rollback.js';
import { scale } from '../../../src/core/release/scale.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const ns = 'dev3';
const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

describe('a release result', { timeout: 60_000 }, () => {
  it('carries the merged config and what ran before, for deploys, scales and rollbacks', async () => {
    const first = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    expect(first.previous).toBeNull();
    expect(first.config?.slack?.channels?.info).toBe('tech-release-dev');
    expect(first.config?.git?.origin).toBe(f.app.dir);

    const second = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    expect(second.previous).toEqual({ sha: f.app.shas.first, ref: 'v1.0.0' });

    const scaled = await scale(f.deps, f.ctx(), { app: 'mary', env: ns, specs: ['web=1:2'] });
    expect(scaled.previous).toEqual({ sha: f.app.shas.feature, ref: 'feature-x' });
    expect(scaled).toMatchObject({ outcome: 'released', sha: f.app.shas.feature, configChange: { path: 'dev3/apps/mary.yaml', changed: true } });
    expect(scaled.config?.scales?.['web']).toMatchObject({ minReplicas: 1, maxReplicas: 2 });

    const back = await rollback(f.deps, f.ctx(), { app: 'mary', env: ns });
    expect(back.previous).toEqual({ sha: f.app.shas.feature, ref: 'feature-x' });
    expect(back.config?.slack?.channels?.info).toBe('tech-release-dev');
  });

  it.for(['deploy', 'scale'] as const)('of a %s is announced without reloading the config', async (kind) => {
    const deployed = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    const result = kind === 'deploy' ? deployed : await scale(f.deps, f.ctx(), { app: 'mary', env: ns, specs: ['web=1:2'] });
    const delivered: AnnounceInput[] = [];
    const deliver: Deliver = async (_deps, input) => void delivered.push(input);
    const failed: unknown[] = [];
    const announce = announcerOf(deliver, (error) => failed.push(error));
    const unreadable = { ...f.deps, config: { load: () => Promise.reject(new Error('the config was read again')) } };
    announce.after(unreadable, f.ctx(), Date.now(), result);
    await announce.settled();
    expect(failed).toEqual([]);
    expect(delivered[0]?.config.slack?.channels?.info).toBe('tech-release-dev');
    if (kind === 'scale') expect(delivered[0]?.config.scales?.['web']).toMatchObject({ minReplicas: 1, maxReplicas: 2 });
  });
});
