// Whether an app's config is out of sync with its last release, on real parts: the example
// config, a real app repository and history, the kube simulator.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configOutOfSync } from '../../../src/core/fleet/config-sync-state.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

/** Edits an environment's project.yaml: a line replaced. */
function editProject(env: string, from: string, to: string): void {
  const file = join(f.configDir, env, 'project.yaml');
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no "${from}"`);
  writeFileSync(file, text.replace(from, to));
}

describe('configOutOfSync', { timeout: 60_000 }, () => {
  it('is in sync after a release; a change in staging inherited by dev3 puts it out of sync, with the keys that differ', async () => {
    expect(await configOutOfSync(f.deps, 'mary', 'dev3')).toMatchObject({ outOfSync: false, notRunning: 'mary has no release in dev3 yet', changes: [] });
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: 'dev3' });
    expect(await configOutOfSync(f.deps, 'mary', 'dev3')).toMatchObject({ outOfSync: false, changes: [] });

    editProject('staging', 'ope: { NODE_ENV: staging,', 'ope: { NODE_ENV: staging, FEATURE_FLAGS: "on",');
    editProject('dev3', 'memory: 200Mi', 'memory: 300Mi');
    const state = await configOutOfSync(f.deps, 'mary', 'dev3');
    expect(state.outOfSync).toBe(true);
    expect(state.currentHash).not.toBe(state.running?.configHash);
    expect(state.changes).toContainEqual({ key: 'FEATURE_FLAGS', change: 'added', after: 'on' });
    expect(state.changes).toContainEqual({
      key: 'Deployment/mary-web spec.template.spec.containers[web].resources.limits.memory', change: 'changed', before: '200Mi', after: '300Mi',
    });
    expect(state.changes.map((c) => c.key).filter((k) => k.includes('config-hash'))).toEqual([]);
    // A value read from Nestor's environment may be a credential: it shows masked.
    editProject('staging', 'FEATURE_FLAGS: "on",', 'FEATURE_FLAGS: "on", DATABASE_URL: $DB_URL,');
    const withUrl = await configOutOfSync({ ...f.deps, environment: { DB_URL: 'postgres://app:s3cret@db/app' } }, 'mary', 'dev3');
    expect(withUrl.changes).toContainEqual({ key: 'DATABASE_URL', change: 'added', after: '********' });
    expect(JSON.stringify(withUrl.changes)).not.toContain('s3cret');
    // Staging's own release is not concerned by dev3's change alone, nor counted without a release.
    expect(await configOutOfSync(f.deps, 'mary', 'staging')).toMatchObject({ outOfSync: false });
  });
});
