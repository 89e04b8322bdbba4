// scale and config set|unset|get on real parts: nestor-config a git work tree, the release
// history a bare repository, the kube simulator, a settling clock. Each describe shares one
// fixture; its tests run in order and build on each other's releases.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { main } from '../../../src/main/cli.js';
import { ErrorCode } from '../../../src/core/errors.js';
import { configSet, configUnset } from '../../../src/core/release/config-change.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { scale } from '../../../src/core/release/scale.js';
import { SecretValues } from '../../../src/core/release/secret-input.js';
import { cleanupFixtures, git } from '../../support/git-fixtures.js';
import { releaseFixture, type ReleaseFixture } from '../../support/release-fixture.js';

afterAll(() => cleanupFixtures());

type Spec = { replicas?: number; minReplicas?: number; maxReplicas?: number };
const specOf = (f: ReleaseFixture, kind: string, name: string, ns = 'dev3') => f.sim.store.get(typeOf(kind), ns, name)?.spec as Spec | undefined;
const configMap = (f: ReleaseFixture, ns = 'dev3') => f.sim.store.get(typeOf('ConfigMap'), ns, 'mary')?.data as Record<string, string> | undefined;
const appFile = (f: ReleaseFixture, env = 'dev3') => readFileSync(join(f.configDir, env, 'apps/mary.yaml'), 'utf8');
const configHead = (f: ReleaseFixture) => git(f.configDir, 'rev-parse', 'HEAD').trim();
const lastConfigCommit = (f: ReleaseFixture) => git(f.configDir, 'log', '-1', '--format=%an|%cn|%s').trim();

function cli(f: ReleaseFixture): { run: (...argv: string[]) => Promise<number>; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => void out.push(s), err: (s) => void err.push(s), env: {}, cwd: f.configDir, user: 'dave', releaseDeps: () => f.deps };
  return { run: (...argv) => main(['--config', f.configDir, ...argv], io), out, err };
}

describe('scale', () => {
  let f: ReleaseFixture;
  beforeAll(async () => {
    f = await releaseFixture();
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: 'dev3' });
  });
  afterAll(() => f.close());

  it('commits the scales as the user, comments kept, and releases the running version', async () => {
    const result = await scale(f.deps, f.ctx('alice'), { app: 'mary', env: 'dev3', specs: ['web=2:4'] });
    expect(result.outcome).toBe('released');
    expect(result.message).toMatch(/^scale mary in dev3: web=2:4: committed \(nestor-config [0-9a-f]{7}\); released mary@[0-9a-f]{7} \(main\) to dev3$/);
    expect(appFile(f)).toContain('# dev3 runs mary without its worker and with verbose logs.');
    expect(appFile(f)).toMatch(/web: \{ minReplicas: 2, maxReplicas: 4 \}/);
    expect(lastConfigCommit(f)).toBe('alice|Nestor|scale mary in dev3: web=2:4 (by alice)');
    expect(specOf(f, 'HorizontalPodAutoscaler', 'mary-web')).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
    expect(specOf(f, 'Deployment', 'mary-web')?.replicas).toBe(2);
    const [latest] = await f.history.list('mary', 'dev3');
    expect(latest).toMatchObject({ kind: 'scale', sha: f.app.shas.second, ref: 'main', user: 'alice' });
  });

  it('does nothing when the scales are already so and released', async () => {
    const head = configHead(f);
    const releases = (await f.history.list('mary', 'dev3')).length;
    const result = await scale(f.deps, f.ctx(), { app: 'mary', env: 'dev3', specs: ['web=2:4'] });
    expect(result.outcome).toBe('unchanged');
    expect(configHead(f)).toBe(head);
    expect(await f.history.list('mary', 'dev3')).toHaveLength(releases);
  });

  it('refuses bad specs and unknown processes with nothing committed or applied', async () => {
    const head = configHead(f);
    const patches = f.sim.faults.count({ method: 'PATCH' });
    const refused = async (specs: string[]) => scale(f.deps, f.ctx(), { app: 'mary', env: 'dev3', specs }).then(() => 'accepted', (e: Error) => e.message);
    expect(await refused(['web=9:3'])).toBe('invalid scale "web=9:3": the minimum 9 is above the maximum 3');
    expect(await refused(['Web=2'])).toContain('"Web" is not a process name');
    expect(await refused(['web=2', 'web=3'])).toBe('web is scaled twice');
    expect(await refused([])).toContain('give at least one');
    expect(await refused(['worker=2'])).toBe('mary has no process worker in dev3 (it runs web): nothing was committed');
    expect(configHead(f)).toBe(head);
    expect(f.sim.faults.count({ method: 'PATCH' })).toBe(patches);
  });

  it('scales several processes at once (HPA for web, replicas for worker)', async () => {
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: 'staging' });
    const result = await scale(f.deps, f.ctx('bob'), { app: 'mary', env: 'staging', specs: ['web=3:9', 'worker=2'] });
    expect(result.outcome).toBe('released');
    expect(lastConfigCommit(f)).toBe('bob|Nestor|scale mary in staging: web=3:9 worker=2 (by bob)');
    expect(specOf(f, 'HorizontalPodAutoscaler', 'mary-web', 'staging')).toMatchObject({ minReplicas: 3, maxReplicas: 9 });
    expect(specOf(f, 'Deployment', 'mary-worker', 'staging')?.replicas).toBe(2);
  });

  it('only commits when nothing runs yet: it applies at the next deploy', async () => {
    const result = await scale(f.deps, f.ctx(), { app: 'mary', env: 'dev1', specs: ['web=1:2'] });
    expect(result.outcome).toBe('committed');
    expect(result.message).toContain('mary has no release in dev1 yet: it applies at the next deploy');
    expect(appFile(f, 'dev1')).toContain('minReplicas: 1');
    expect(await f.history.list('mary', 'dev1')).toHaveLength(0);
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: 'dev1' });
    expect(specOf(f, 'HorizontalPodAutoscaler', 'mary-web', 'dev1')).toMatchObject({ minReplicas: 1, maxReplicas: 2 });
  });
});

describe('config set and unset', () => {
  let f: ReleaseFixture;
  beforeAll(async () => {
    f = await releaseFixture();
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
  });
  afterAll(() => f.close());

  it('sets variables in a commit by the user and records a config release', async () => {
    const tricky = 'a: b\n---\n"q" {{x}}';
    const result = await configSet(f.deps, f.ctx('carol'), { app: 'mary', env: 'dev3', variables: { FOO: 'bar', TRICKY: tricky } });
    expect(result.outcome).toBe('released');
    expect(lastConfigCommit(f)).toBe('carol|Nestor|config set mary in dev3: FOO, TRICKY (by carol)');
    expect(configMap(f)).toMatchObject({ FOO: 'bar', TRICKY: tricky, LOG_LEVEL: 'debug' });
    const [latest] = await f.history.list('mary', 'dev3');
    expect(latest).toMatchObject({ kind: 'config', sha: f.app.shas.feature, user: 'carol' });
    expect(latest!.message).toBe(`config set mary@${f.app.shas.feature.slice(0, 7)} in dev3: FOO, TRICKY by carol`);
  });

  it('unsets an inherited key by writing KEY: null', async () => {
    expect(configMap(f)?.['FEATURE_CHECKOUT']).toBe('false');
    const result = await configUnset(f.deps, f.ctx(), { app: 'mary', env: 'dev3', keys: ['FEATURE_CHECKOUT', 'FOO'] });
    expect(result.outcome).toBe('released');
    expect(appFile(f)).toMatch(/FEATURE_CHECKOUT: null/);
    expect(appFile(f)).not.toContain('FOO');
    expect(configMap(f)).not.toHaveProperty('FEATURE_CHECKOUT');
    expect(configMap(f)).not.toHaveProperty('FOO');
  });

  it('refuses bad names and values, and changes that would not render, with nothing committed', async () => {
    const head = configHead(f);
    const releases = (await f.history.list('mary', 'dev3')).length;
    const set = (variables: Record<string, string>) => configSet(f.deps, f.ctx(), { app: 'mary', env: 'dev3', variables });
    await expect(set({ '1FOO': 'x' })).rejects.toThrow('invalid variable name "1FOO"');
    await expect(set({ TOKEN: '$SLACK_BOT_TOKEN' })).rejects.toThrow("reads Nestor's own environment");
    await expect(configUnset(f.deps, f.ctx(), { app: 'mary', env: 'dev3', keys: ['NOPE'] })).rejects.toThrow('not set, so nothing to unset: NOPE');
    const broken = await set({ PORT: '1234' }).then(() => undefined, (e: unknown) => e);
    expect(broken).toMatchObject({ code: ErrorCode.RenderFailed });
    expect((broken as Error).message).toBe('config set mary in dev3 refused, nothing was committed or applied: variable PORT (1234) differs from port (8080); set port: instead');
    expect(configHead(f)).toBe(head);
    expect(git(f.configDir, 'status', '--porcelain')).toBe('');
    expect(await f.history.list('mary', 'dev3')).toHaveLength(releases);
  });

  it('gets the merged variables with their files, from the CLI', async () => {
    const { run, out, err } = cli(f);
    expect(await run('config', 'get', 'mary', 'dev3')).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^LOG_LEVEL=debug +# dev3\/apps\/mary.yaml:\d+ \(app\)$/m);
    expect(text).toMatch(/^NODE_ENV=development +# dev3\/project.yaml:\d+ \(ope\)$/m);
    expect(text).toMatch(/^SENTRY_DSN=\*{8} +# secret, named in production\/apps\/mary.yaml:\d+$/m);
    expect(text).not.toContain('FEATURE_CHECKOUT');
    expect(await run('config', 'get', 'mary', 'dev3', 'NOPE')).toBe(1);
    expect(err.join('')).toBe('NOPE is not set for mary in dev3\n');
  });

  it('sets and unsets from the CLI as the user running it', async () => {
    const { run, out } = cli(f);
    expect(await run('config', 'set', 'mary', 'dev3', 'GREETING=hello world')).toBe(0);
    expect(lastConfigCommit(f)).toBe('dave|Nestor|config set mary in dev3: GREETING (by dave)');
    expect(configMap(f)?.['GREETING']).toBe('hello world');
    expect(await run('scale', 'mary', 'dev3', 'web=1:3')).toBe(0);
    expect(await run('config', 'unset', 'mary', 'dev3', 'GREETING')).toBe(0);
    expect(out.join('')).toContain('config unset mary in dev3: GREETING: committed');
    expect(await run('scale', 'mary', 'dev3', 'web=0')).toBe(2);
  });
});

describe('config set --secret', () => {
  const dsn = 'https://key:s3cr3t-dsn@sentry.example/42';
  const apiKey = 'sk_live_Zr8uQ-not-in-git';
  let f: ReleaseFixture;
  beforeAll(async () => {
    f = await releaseFixture();
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
  });
  afterAll(() => f.close());

  const secretData = () => f.sim.store.get(typeOf('Secret'), 'dev3', 'mary-secrets');
  const decoded = () => Object.fromEntries(Object.entries((secretData()?.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

  it('puts the values in the Secret only, names them in the config, and releases', async () => {
    const secrets = SecretValues.of({ SENTRY_DSN: dsn, API_KEY: apiKey });
    expect(JSON.stringify({ secrets })).not.toContain(apiKey);
    const result = await configSet(f.deps, f.ctx('erin'), { app: 'mary', env: 'dev3', secrets });
    expect(result.outcome).toBe('released');
    expect(decoded()).toEqual({ SENTRY_DSN: dsn, API_KEY: apiKey });
    expect(secretData()?.metadata.labels).toMatchObject({ app: 'mary', 'app.kubernetes.io/managed-by': 'nestor', 'nestor.io/environment': 'dev3' });
    expect(appFile(f)).toMatch(/secrets:\n {2}- API_KEY/);
    expect(lastConfigCommit(f)).toBe('erin|Nestor|config set mary in dev3: secret SENTRY_DSN, secret API_KEY (by erin)');
    const env = (f.sim.store.get(typeOf('Deployment'), 'dev3', 'mary-web')?.spec as { template: { spec: { containers: { env: { name: string }[] }[] } } }).template.spec.containers[0]!.env;
    expect(env.map((e) => e.name)).toEqual(expect.arrayContaining(['API_KEY', 'SENTRY_DSN']));
  });

  it('keeps the values out of git, the history in clear, events and config get', async () => {
    const forbidden = [dsn, apiKey, Buffer.from(dsn).toString('base64'), Buffer.from(apiKey).toString('base64')];
    const configLog = git(f.configDir, 'log', '-p', '--all');
    const historyLog = git(f.historyRemote, 'log', '-p', '--all');
    expect(historyLog).toContain('nestor-enc:v1:');
    const { run, out } = cli(f);
    expect(await run('config', 'get', 'mary', 'dev3', 'API_KEY')).toBe(0);
    expect(out.join('')).toMatch(/^API_KEY=\*{8} +# secret, named in dev3\/apps\/mary.yaml:\d+$/m);
    for (const text of [configLog, historyLog, JSON.stringify(f.events), out.join('')]) {
      for (const value of forbidden) expect(text).not.toContain(value);
    }
  });

  it('rolls the pods when a secret gets a new value, and only then', async () => {
    const hash = () => (f.sim.store.get(typeOf('Deployment'), 'dev3', 'mary-web')?.spec as { template: { metadata: { annotations: Record<string, string> } } })
      .template.metadata.annotations['nestor.io/config-hash'];
    const before = hash();
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    expect(hash()).toBe(before);
    const result = await configSet(f.deps, f.ctx(), { app: 'mary', env: 'dev3', secrets: SecretValues.of({ API_KEY: `${apiKey}-rotated` }) });
    expect(result.outcome).toBe('released');
    expect(result.message).not.toContain('rollout restart');
    expect(hash()).not.toBe(before);
    expect(hash()).not.toContain(apiKey);
  });

  it('unsets a secret: its name leaves the config and its key the Secret', async () => {
    const result = await configUnset(f.deps, f.ctx(), { app: 'mary', env: 'dev3', keys: ['API_KEY'] });
    expect(result.outcome).toBe('released');
    expect(appFile(f)).not.toContain('API_KEY');
    expect(decoded()).toEqual({ SENTRY_DSN: dsn });
  });

  it('puts the Secret back when the commit fails', async () => {
    const before = JSON.stringify(secretData()?.data);
    writeFileSync(join(f.configDir, '.git/index.lock'), '');
    const error = await configSet(f.deps, f.ctx(), { app: 'mary', env: 'dev3', secrets: SecretValues.of({ NEW_TOKEN: 'never-stored-value' }) }).then(() => undefined, (e: unknown) => e);
    rmSync(join(f.configDir, '.git/index.lock'));
    expect(error).toMatchObject({ code: ErrorCode.GitFailed, retryable: true });
    expect((error as Error).message).toBe('config set mary in dev3: not committed: could not commit dev3/apps/mary.yaml in the nestor-config folder: nothing was changed; the Secret was put back as it was');
    expect(JSON.stringify(secretData()?.data)).toBe(before);
  });

  it('refuses a secret whose name is bad before writing anything', async () => {
    const before = JSON.stringify(secretData()?.data);
    expect(() => SecretValues.of({ 'BAD-NAME': apiKey })).toThrow('invalid variable name "BAD-NAME"');
    await expect(configSet(f.deps, f.ctx(), { app: 'mary', env: 'dev3', variables: { SENTRY_DSN: 'clear' } })).rejects.toThrow('SENTRY_DSN is a secret of mary in dev3');
    expect(JSON.stringify(secretData()?.data)).toBe(before);
  });
});

describe('when the release fails after the commit', () => {
  let f: ReleaseFixture;
  beforeAll(async () => {
    f = await releaseFixture();
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: 'dev3' });
  });
  afterAll(() => f.close());

  it('says the change is committed but not released, and a rerun releases it', async () => {
    f.sim.faults.failNext(1000, { status: 500, match: { method: 'PATCH', pathIncludes: '/deployments/' } });
    const error = await scale(f.deps, f.ctx(), { app: 'mary', env: 'dev3', specs: ['web=2:3'] }).then(() => undefined, (e: unknown) => e);
    f.sim.faults.reset();
    expect(error).toMatchObject({ code: ErrorCode.ClusterUnavailable, retryable: true });
    expect((error as Error).message).toMatch(/^scale mary in dev3: web=2:3: committed \(nestor-config [0-9a-f]{7}\) but not released: /);
    expect((error as Error).message).toContain('The config change stays in nestor-config and applies at the next release (run the same command again to retry it now); undo it with `nestor scale mary dev3 web=1`');
    expect(appFile(f)).toContain('minReplicas: 2, maxReplicas: 3');
    const head = configHead(f);
    const result = await scale(f.deps, f.ctx(), { app: 'mary', env: 'dev3', specs: ['web=2:3'] });
    expect(result.outcome).toBe('released');
    expect(result.message).toContain('no change to the config file; released');
    expect(configHead(f)).toBe(head);
    expect(specOf(f, 'HorizontalPodAutoscaler', 'mary-web')).toMatchObject({ minReplicas: 2, maxReplicas: 3 });
  });

  it('reports a failed rollout with the commit kept and what the cluster runs', async () => {
    f.sim.controllers.options.crashingImages = [f.app.shas.second];
    const result = await configSet(f.deps, f.ctx(), { app: 'mary', env: 'dev3', variables: { FOO: 'rolls-pods' } });
    f.sim.controllers.options.crashingImages = [];
    expect(['failed', 'rolled-back']).toContain(result.outcome);
    expect(result.message).toMatch(/^config set mary in dev3: FOO: committed \(nestor-config [0-9a-f]{7}\) but its release failed: rollout of mary@/);
    expect(result.message).toContain('The config change stays in nestor-config and applies at the next release');
    expect(appFile(f)).toContain('FOO: rolls-pods');
    const { run } = cli(f);
    expect(await run('unpin', 'mary', 'dev3')).toBe(0);
  });
});
