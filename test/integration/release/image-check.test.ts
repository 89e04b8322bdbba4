// The image stage of a release against a real registry: an image that is there passes; a missing
// one with no build configured stops the release before anything is applied.
import { afterAll, describe, expect, it } from 'vitest';
import { OciRegistry } from '../../../src/adapters/registry/oci-registry.js';
import { ErrorCode } from '../../../src/core/errors.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { RESOURCE_TYPES, typeOf } from '../../../src/testkit/kube-sim/index.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useTestRegistry } from '../../support/registry-config.js';
import { pushImage } from '../../support/registry-push.js';
import { REGISTRY_USER, useRegistry } from '../../support/registry-server.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
const open = useRegistry();
const locked = useRegistry({ htpasswd: true });
afterAll(() => cleanupFixtures());

const imageStages = () => f.events.filter((e) => e.type === 'stage' && e.stage === 'image');
const objectsInSim = () => RESOURCE_TYPES.filter((t) => t.namespaced).flatMap((t) => f.sim.store.list(t, 'dev3'));

describe('the image stage', () => {
  it('finds the image of the commit in the registry, then releases', async () => {
    useTestRegistry(f.configDir, { host: open.host, build: null });
    f.deps.registry = new OciRegistry();
    await pushImage({ url: open.url, repository: 'kapten/mary', tag: f.app.shas.feature });
    const result = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    expect(result.outcome).toBe('released');
    expect(result.image).toBe(`${open.host}/kapten/mary:${f.app.shas.feature}`);
    expect(imageStages().at(-1)).toEqual({ type: 'stage', stage: 'image', status: 'finished', message: `${open.host}/kapten/mary:${f.app.shas.feature} in the registry` });
  });

  it('stops before anything is applied when the image is missing and no build is configured', async () => {
    useTestRegistry(f.configDir, { host: open.host, build: null });
    f.deps.registry = new OciRegistry();
    const image = `${open.host}/kapten/mary:${f.app.shas.first}`;
    const release = deploy(f.deps, f.ctx(), { app: 'mary', ref: f.app.shas.first, env: 'dev3' });
    await expect(release).rejects.toMatchObject({
      code: ErrorCode.ImageUnavailable,
      message: `${image} is not in registry ${open.host} and no image build is configured (docker.build in project.yaml): nothing was applied`,
    });
    expect(objectsInSim()).toEqual([]);
    expect(await f.history.list('mary', 'dev3')).toEqual([]);
    expect(f.events.filter((e) => e.type === 'stage' && e.stage === 'apply')).toEqual([]);
  });

  it('checks with the password a $NAME of Nestor\'s environment holds, which no message shows', async () => {
    useTestRegistry(f.configDir, { host: locked.host, build: null, entry: { username: REGISTRY_USER.username, password: '$REGISTRY_PASSWORD' } });
    f.deps.registry = new OciRegistry();
    await pushImage({ url: locked.url, repository: 'kapten/mary', tag: f.app.shas.feature, credentials: REGISTRY_USER });
    const release = () => deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    await expect(release()).rejects.toThrow('docker.registries.' + locked.host + '[0].password: $REGISTRY_PASSWORD is not set in Nestor\'s environment');
    f.deps.environment = { REGISTRY_PASSWORD: 'wrong' };
    await expect(release()).rejects.toThrow(`registry ${locked.host} refused access to ${locked.host}/kapten/mary:${f.app.shas.feature}: HTTP 401 with the configured credentials`);
    f.deps.environment = { REGISTRY_PASSWORD: REGISTRY_USER.password.reveal() };
    expect((await release()).outcome).toBe('released');
    expect(JSON.stringify(f.events)).not.toContain(REGISTRY_USER.password.reveal());
  });

  it('checks with the credentials of a dockerconfigjson Secret of the environment', async () => {
    useTestRegistry(f.configDir, { host: locked.host, build: null, entry: { credentials_secret: 'registry-login' } });
    f.deps.registry = new OciRegistry();
    await pushImage({ url: locked.url, repository: 'kapten/mary', tag: f.app.shas.feature, credentials: REGISTRY_USER });
    const release = () => deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    await expect(release()).rejects.toThrow('docker.registries.' + locked.host + '[0].credentials_secret: Secret dev3/registry-login of cluster kapten_dev_eu-w1 does not exist');
    const auth = Buffer.from(`${REGISTRY_USER.username}:${REGISTRY_USER.password.reveal()}`).toString('base64');
    const dockerconfig = Buffer.from(JSON.stringify({ auths: { [locked.host]: { auth } } })).toString('base64');
    f.sim.store.create(typeOf('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev3' } });
    f.sim.store.create(typeOf('Secret'), {
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'registry-login', namespace: 'dev3' }, data: { '.dockerconfigjson': dockerconfig },
    });
    expect((await release()).outcome).toBe('released');
  });
});
