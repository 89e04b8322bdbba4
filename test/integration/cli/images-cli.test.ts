// `nestor deploy` as a process checks the image in the registry of the config (NESTOR_IMAGES at
// its default): found, it releases; missing with no build configured, it stops with one line
// before anything is applied.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSimulator, typeOf, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { spawnCli } from '../../support/cli-run.js';
import { exampleConfigRepo } from '../../support/config-fixtures.js';
import { cleanupFixtures, makeAppRepo, makeBareRepo, tempDir, type AppRepoShas } from '../../support/git-fixtures.js';
import { useTestRegistry } from '../../support/registry-config.js';
import { pushImage } from '../../support/registry-push.js';
import { useRegistry } from '../../support/registry-server.js';
import { CLUSTERS, HISTORY_KEY } from '../../support/release-fixture.js';

const registry = useRegistry();
let sim: KubeSimulator;
let env: Record<string, string>;
let shas: AppRepoShas;

beforeAll(async () => {
  sim = await startKubeSimulator({ port: 0, controllers: { readyDelayMs: 0 } });
  const root = tempDir('nestor-images-cli-');
  const app = makeAppRepo(root);
  shas = app.shas;
  const configDir = exampleConfigRepo(root, app.dir);
  useTestRegistry(configDir, { host: registry.host, build: null });
  env = {
    NESTOR_CONFIG: configDir, NESTOR_HISTORY: makeBareRepo(root), NESTOR_HISTORY_KEY: HISTORY_KEY, NESTOR_STATE: join(root, 'state'),
    KUBECONFIG: await sim.writeKubeconfig(root, CLUSTERS), NESTOR_USER: 'alice',
  };
});
afterAll(async () => {
  await sim.close();
  cleanupFixtures();
});

describe('nestor deploy and the registry', () => {
  it('refuses a commit whose image is missing, with nothing applied, and releases one whose image is there', async () => {
    const missing = spawnCli(['deploy', 'mary', shas.first, 'dev3'], env);
    expect(await missing.exited).toBe(1);
    expect(missing.stderr()).toContain(`${registry.host}/kapten/mary:${shas.first} is not in registry ${registry.host} and no image build is configured (docker.build in project.yaml): nothing was applied`);
    expect(sim.store.list(typeOf('Deployment'), 'dev3')).toEqual([]);

    await pushImage({ url: registry.url, repository: 'kapten/mary', tag: shas.feature });
    const found = spawnCli(['deploy', 'mary', 'feature-x', 'dev3'], env);
    expect(await found.exited).toBe(0);
    expect(found.stdout()).toContain(`[image] finished: ${registry.host}/kapten/mary:${shas.feature} in the registry`);
  }, 120_000);
});
