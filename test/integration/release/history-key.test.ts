// A release holding Secret values needs the history key to be recorded: without
// NESTOR_HISTORY_KEY it is refused before anything reaches the cluster (or nestor-config), so
// the cluster never runs a release the history does not know.
import { afterAll, describe, expect, it } from 'vitest';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import { appLockKey } from '../../../src/core/ports/locks.js';
import { configSet } from '../../../src/core/release/config-change.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { rollback } from '../../../src/core/release/rollback.js';
import { scale } from '../../../src/core/release/scale.js';
import { SecretValues } from '../../../src/core/release/secret-input.js';
import { GitReleaseHistory } from '../../../src/adapters/git/git-release-history.js';
import { cleanupFixtures, git, tempDir } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const ns = 'dev3';
const DSN = 'https://key:s3cr3t@sentry.example/42';
const NO_KEY = 'no history key is set to record them encrypted: set NESTOR_HISTORY_KEY to 32 random bytes in base64 or hex (`openssl rand -base64 32`) where Nestor runs, then try again';

const f = useReleaseFixture({ historyKey: undefined });
afterAll(() => cleanupFixtures());

const failure = (promise: Promise<unknown>): Promise<NestorError> =>
  promise.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as NestorError);
const writes = () => ['POST', 'PUT', 'PATCH', 'DELETE'].reduce((n, method) => n + f.sim.faults.count({ method }), 0);
const configHead = () => git(f.configDir, 'rev-parse', 'HEAD').trim();

function liveSecret(data: Record<string, string>): void {
  if (!f.sim.store.get(typeOf('Namespace'), undefined, ns)) {
    f.sim.store.create(typeOf('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  f.sim.store.create(typeOf('Secret'), {
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mary-secrets', namespace: ns },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  });
}

describe('no history key', { timeout: 60_000 }, () => {
  it('refuses a deploy whose release holds secrets before applying anything, and says how to set the key', async () => {
    liveSecret({ SENTRY_DSN: DSN });
    const error = await failure(deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns }));
    expect(error.code).toBe(ErrorCode.MissingEnvironmentValue);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`nothing was applied: the release of mary in dev3 holds secrets (mary-secrets: SENTRY_DSN) and ${NO_KEY}`);
    expect(writes()).toBe(0);
    expect(f.sim.store.get(typeOf('Deployment'), ns, 'mary-web')).toBeUndefined();
    expect(await f.history.list('mary', ns)).toHaveLength(0);
    expect(await f.deps.locks.current(appLockKey('mary', ns))).toBeUndefined();
    expect(f.events).toContainEqual({ type: 'stage', stage: 'render', status: 'failed', message: error.message });
  });

  it('still deploys an app whose release holds no secret values', async () => {
    const result = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    expect(result.outcome).toBe('released');
    expect(await f.history.list('mary', ns)).toHaveLength(1);
  });

  it('only warns on a dry run', async () => {
    liveSecret({ SENTRY_DSN: DSN });
    const result = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns, dryRun: true });
    expect(result.outcome).toBe('dry-run');
    expect(f.events).toContainEqual({ type: 'warning', message: expect.stringContaining(NO_KEY) });
  });

  it('refuses a scale or config change whose release would hold secrets before the Secret or nestor-config changes', async () => {
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: ns });
    liveSecret({ SENTRY_DSN: DSN });
    const head = configHead();
    const before = writes();
    const scaled = await failure(scale(f.deps, f.ctx(), { app: 'mary', env: ns, specs: ['web=2:4'] }));
    expect(scaled.message).toBe(`scale mary in dev3 refused, nothing was committed or applied: the release of mary in dev3 holds secrets (mary-secrets: SENTRY_DSN) and ${NO_KEY}`);
    const secret = await failure(configSet(f.deps, f.ctx(), { app: 'mary', env: ns, secrets: SecretValues.of({ API_KEY: 'never-stored' }) }));
    expect(secret.code).toBe(ErrorCode.MissingEnvironmentValue);
    expect(secret.message).toMatch(/^config set mary in dev3 refused, nothing was committed or applied: the release of mary in dev3 holds secrets \(mary-secrets: API_KEY, SENTRY_DSN\) and no history key/);
    expect(writes()).toBe(before);
    expect(configHead()).toBe(head);
    expect(Object.keys(f.sim.store.get(typeOf('Secret'), ns, 'mary-secrets')?.['data'] as object)).toEqual(['SENTRY_DSN']);
    expect(await f.history.list('mary', ns)).toHaveLength(1);
  });

  it('refuses a rollback to a release recorded with secrets before applying it', async () => {
    const keyed = new GitReleaseHistory({ remote: f.historyRemote, workDir: tempDir('nestor-keyed-'), key: Buffer.alloc(32, 7).toString('base64') });
    liveSecret({ SENTRY_DSN: DSN });
    const first = await deploy({ ...f.deps, history: keyed }, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    await deploy({ ...f.deps, history: keyed }, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    const before = writes();
    const error = await failure(rollback(f.deps, f.ctx(), { app: 'mary', env: ns }));
    expect(error.message).toBe(`release ${first.commit!.slice(0, 7)} holds encrypted secrets: set NESTOR_HISTORY_KEY to roll back to it`);
    expect(writes()).toBe(before);
  });
});
