// The chart's RBAC allows exactly what Nestor calls. The calls are recorded, not listed by hand:
// the simulator records every request the real adapters make while Nestor deploys (every kind of
// object, alert rules included), prunes, rolls back, scales, stores a secret, follows a failed
// rollout, builds an image (one build succeeding, one failing whose log is read), runs and stops
// a datastore Job and reads the live objects for drift. Each request becomes the (API group,
// resource, verb) the API server authorizes, and the set is compared both ways with the rules the
// chart renders for the worker's ServiceAccount.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { kubernetesJobDriver } from '../../../src/adapters/datastores/kubernetes-job-driver.js';
import { OciRegistry } from '../../../src/adapters/registry/oci-registry.js';
import { RedisLocks } from '../../../src/adapters/redis/redis-locks.js';
import { LiveObjects } from '../../../src/core/fleet/live-drift.js';
import { JobImageBuilds } from '../../../src/core/images/job-image-builds.js';
import { configSet } from '../../../src/core/release/config-change.js';
import { deploy } from '../../../src/core/release/deploy.js';
import type { ReleaseDeps } from '../../../src/core/release/release-deps.js';
import { rollback } from '../../../src/core/release/rollback.js';
import { scale } from '../../../src/core/release/scale.js';
import { SecretValues } from '../../../src/core/release/secret-input.js';
import type { KubeObject } from '../../../src/testkit/kube-sim/index.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { renderChart, type ChartObject } from '../../support/helm-chart.js';
import { redisClient, uniqueName } from '../../support/redis.js';
import { useTestRegistry } from '../../support/registry-config.js';
import { pushImage } from '../../support/registry-push.js';
import { useRegistry } from '../../support/registry-server.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { builtinTemplates, mary, SHA } from '../../unit/render/configs.js';

const f = useReleaseFixture();
const registry = useRegistry();
afterAll(() => cleanupFixtures());

const NAMESPACES = ['dev2', 'dev3', 'production', 'staging'];
const CHART_VALUES = ['kube.inClusterContexts={kapten_dev_eu-w1}', `rbac.namespaces={${NAMESPACES.join(',')}}`, 'rbac.prometheusRules=true'];

/**
 * Calls Nestor makes only when something fails after a change, which a run of the happy paths
 * cannot record: each is named with where it is made.
 */
const FAILURE_PATHS: Record<string, string> = {
  '|secrets|delete': 'core/release/secret-store.ts, putSecretValues: putting back a Secret that did not exist, when the config commit fails',
};

interface Access { group: string; resource: string; verb: string; namespace?: string; name?: string }
const key = (a: Pick<Access, 'group' | 'resource' | 'verb'>) => `${a.group}|${a.resource}|${a.verb}`;
const APPLY = 'application/apply-patch+yaml';

/**
 * What the API server authorizes for one request (its RequestInfo): discovery paths are not
 * resource requests (every authenticated user may read them). A server-side apply is a `patch`,
 * and also a `create` when the object does not exist yet: the patch handler authorizes the create
 * (kubernetes staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go, createAuthorizerAttributes).
 */
function accessesOf(method: string, path: string, query: string, contentType: string): Access[] {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [root, ...after] = segments;
  const group = root === 'apis' ? after[0] ?? '' : '';
  let rest = root === 'apis' ? after.slice(2) : after.slice(1);
  if (rest.length === 0) return [];
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest as [string, string | undefined, string | undefined];
  const params = new URLSearchParams(query);
  const watch = params.get('watch') === 'true' || params.get('watch') === '1';
  const verbs = method === 'GET' ? [name ? 'get' : watch ? 'watch' : 'list']
    : method === 'PATCH' ? (contentType.startsWith(APPLY) ? ['patch', 'create'] : ['patch'])
      : method === 'DELETE' ? [name ? 'delete' : 'deletecollection']
        : method === 'POST' ? ['create'] : method === 'PUT' ? ['update'] : [method.toLowerCase()];
  const full = subresource ? `${resource}/${subresource}` : resource;
  return verbs.map((verb) => ({ group, resource: full, verb, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) }));
}

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }
/** The (group, resource, verb) the chart grants the worker, and the namespaces each grant holds in. */
function grantsOf(objects: ChartObject[]): { grants: Map<string, Set<string>>; named: Map<string, string[]> } {
  const grants = new Map<string, Set<string>>();
  const named = new Map<string, string[]>();
  for (const obj of objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')) {
    for (const rule of (obj as unknown as { rules: Rule[] }).rules) {
      for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) {
        const k = key({ group, resource, verb });
        const where = grants.get(k) ?? new Set<string>();
        where.add(obj.kind === 'Role' ? obj.metadata.namespace ?? '' : '*');
        grants.set(k, where);
        if (rule.resourceNames) named.set(k, rule.resourceNames);
      }
    }
  }
  return { grants, named };
}

/** A worker's deps with an image builder over Redis claims and the test registry. */
function withBuilds(): ReleaseDeps {
  const registryClient = new OciRegistry();
  const locks = new RedisLocks({ redis: redisClient(), prefix: `${uniqueName('rbac-build')}:` });
  const environment = { NPM_TOKEN: 'npm-token' };
  return {
    ...f.deps, environment, registry: registryClient,
    builds: new JobImageBuilds({ config: f.deps.config, clusters: f.deps.clusters, locks, registry: registryClient, clock: f.deps.clock, environment, pollMs: 100 }),
  };
}

const destinationOf = (job: KubeObject): string =>
  ((job.spec as { template: { spec: { containers: { args: string[] }[] } } }).template.spec.containers[0]?.args ?? [])
    .find((a) => a.startsWith('--destination='))?.split(':').at(-1) ?? '';

async function runEverythingNestorDoes(): Promise<void> {
  // Staging inherits production's alert rules and routing (the example turns them off there).
  const stagingProject = join(f.configDir, 'staging/project.yaml');
  writeFileSync(stagingProject, readFileSync(stagingProject, 'utf8').replace(/^monitoring: null.*$/m, ''));
  const first = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: 'staging' });
  expect(first.outcome).toBe('released');
  // feature-x's Procfile has no worker: its Deployment is pruned.
  const second = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'staging' });
  expect(second.changes.filter((c) => c.change === 'delete').map((c) => c.object)).toEqual(['Deployment staging/mary-worker']);
  expect((await rollback(f.deps, f.ctx(), { app: 'mary', env: 'staging', commit: first.commit! })).outcome).toBe('rolled-back');
  expect((await scale(f.deps, f.ctx(), { app: 'mary', env: 'staging', specs: ['web=2:4'] })).outcome).not.toBe('failed');
  await configSet(f.deps, f.ctx(), { app: 'mary', env: 'staging', secrets: SecretValues.of({ API_KEY: 'never-shown' }) });

  const live = new LiveObjects(f.deps.clusters, 'staging');
  const listed = await live.listed('kapten_staging_eu-w1', 'staging');
  expect(listed.size).toBeGreaterThan(0);
  await live.get('kapten_staging_eu-w1', [...listed.values()][0]!);

  f.sim.controllers.options.crashingImages = [f.app.shas.feature];
  expect((await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' })).outcome).not.toBe('released');
  f.sim.controllers.options.crashingImages = [];

  useTestRegistry(f.configDir, { host: registry.host });
  f.sim.controllers.options.jobRunner = () => ({ succeeded: false, log: 'error building image: no Dockerfile\n' });
  await expect(deploy(withBuilds(), f.ctx(), { app: 'mary', ref: f.app.shas.first, env: 'dev2' })).rejects.toThrow('error building image: no Dockerfile');
  f.sim.controllers.options.jobRunner = async (job) => {
    await pushImage({ url: registry.url, repository: 'kapten/mary', tag: destinationOf(job) });
    return { succeeded: true };
  };
  expect((await deploy(withBuilds(), f.ctx(), { app: 'mary', ref: f.app.shas.first, env: 'dev2' })).outcome).toBe('released');

  // A datastore Job of production, stopped while it runs: deleted.
  const stop = new AbortController();
  const driver = kubernetesJobDriver({ clusters: f.deps.clusters, clock: { now: () => 0, sleep: async () => stop.abort() }, fieldManager: 'nestor' });
  await f.deps.clusters.cluster('kapten_production_eu-w1').apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'production' } }], { fieldManager: 'nestor' });
  const target = {
    env: 'production', name: 'events', kind: 'kubernetes-job' as const,
    connection: { job: { app: 'mary', env: 'production', config: mary(), version: { sha: SHA }, templates: await builtinTemplates() }, image: 'mongo:7', snapshotCommand: 'mongodump', restoreCommand: 'mongorestore' },
  };
  await expect(driver.snapshot(target, join(tempDir('nestor-rbac-'), 'stopped.jobref.json'), { snapshotId: 's1', runId: 'r1', signal: stop.signal })).rejects.toMatchObject({ code: 'cancelled' });
}

it('grants the worker exactly the API groups, resources and verbs Nestor calls, in the namespaces it manages', async () => {
  await runEverythingNestorDoes();
  const accesses = f.sim.faults.requests.flatMap((r) => accessesOf(r.method, r.path, r.query, r.contentType));
  const used = new Set(accesses.map(key));
  const { grants, named } = grantsOf(await renderChart(CHART_VALUES));

  const needed = [...used, ...Object.keys(FAILURE_PATHS)].sort();
  expect([...grants.keys()].sort()).toEqual(needed);
  for (const path of Object.keys(FAILURE_PATHS)) expect(used.has(path), `${path} was recorded: drop it from FAILURE_PATHS`).toBe(false);

  // Namespaced calls stay in the managed namespaces, each allowed there; Namespaces are reached by name.
  for (const a of accesses) {
    const where = grants.get(key(a))!;
    if (a.resource === 'namespaces') {
      if (a.verb !== 'create') expect(named.get(key(a)), key(a)).toContain(a.name);
      continue;
    }
    expect(NAMESPACES, `${key(a)} in ${a.namespace ?? '(no namespace)'}`).toContain(a.namespace);
    expect(where.has(a.namespace!), `${key(a)} granted in ${a.namespace}`).toBe(true);
  }
  for (const [k, where] of grants) {
    if (!k.startsWith('|namespaces|')) expect([...where].sort(), k).toEqual(NAMESPACES);
  }
}, 120_000);
