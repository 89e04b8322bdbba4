// `nestor run` as a process against the simulator: a one-off Job in the image and config of the
// release that runs (not of the branch head, nor of the config as it is now), its log on stdout
// and its exit code as nestor's; refused where the config says so.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSimulator, typeOf, type KubeObject, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import type { JobRun } from '../../../src/testkit/kube-sim/controllers/context.js';
import { eventually } from '../../support/eventually.js';
import { spawnCli } from '../../support/cli-run.js';
import { exampleConfigRepo } from '../../support/config-fixtures.js';
import { cleanupFixtures, makeAppRepo, makeBareRepo, tempDir, type AppRepoShas } from '../../support/git-fixtures.js';
import { CLUSTERS, HISTORY_KEY } from '../../support/release-fixture.js';

let sim: KubeSimulator;
let env: Record<string, string>;
let shas: AppRepoShas;
let configDir: string;
const ran: KubeObject[] = [];
/** Ends the long process (see the jobRunner), which runs until the test says. */
let endLong: ((run: JobRun) => void) | undefined;

interface Container {
  image: string;
  command: string[];
  env: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: unknown;
}
const labelsOf = (o: KubeObject) => (o.metadata['labels'] ?? {}) as Record<string, string>;
const annotationsOf = (o: KubeObject) => (o.metadata['annotations'] ?? {}) as Record<string, string>;
const nameOf = (o: KubeObject) => o.metadata['name'] as string;
const containerOf = (job: KubeObject) => (job['spec'] as unknown as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]!;

beforeAll(async () => {
  sim = await startKubeSimulator({ port: 0, controllers: { readyDelayMs: 0 } });
  const root = tempDir('nestor-run-cli-');
  const app = makeAppRepo(root);
  shas = app.shas;
  configDir = exampleConfigRepo(root, app.dir);
  env = {
    NESTOR_CONFIG: configDir, NESTOR_HISTORY: makeBareRepo(root), NESTOR_HISTORY_KEY: HISTORY_KEY, NESTOR_STATE: join(root, 'state'),
    KUBECONFIG: await sim.writeKubeconfig(root, CLUSTERS), NESTOR_USER: 'alice', NESTOR_IMAGES: 'off',
  };
  // The migration fails with exit code 3 after two lines; any other one-off process succeeds.
  sim.controllers.options.jobRunner = (job) => {
    if (labelsOf(job)['process'] !== 'run') return undefined;
    ran.push(job);
    const command = annotationsOf(job)['nestor.io/command'];
    if (command === 'node scripts/long.js') return new Promise<JobRun>((resolve) => (endLong = resolve));
    return command === 'node scripts/migrate.js'
      ? { succeeded: false, exitCode: 3, log: 'migrating 0042_add_index\nerror: relation "rides" does not exist\n' }
      : { succeeded: true, log: 'hello from a one-off process\n' };
  };
});
afterAll(async () => {
  await sim.close();
  cleanupFixtures();
});

describe('nestor run', () => {
  it('refuses an app with no release in the environment, running nothing', async () => {
    const run = spawnCli(['run', 'mary', 'dev3', '--', 'node', 'scripts/migrate.js'], env);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain('nestor: mary has no release in dev3: deploy it before running a process in it');
    expect(ran).toEqual([]);
  }, 60_000);

  it('runs a Job in the running release and exits with its exit code, its log on stdout', async () => {
    const deploy = spawnCli(['deploy', 'mary', 'v1.0.0', 'dev3'], env);
    expect(await deploy.exited).toBe(0);
    // A port set in the config after the deploy is not the running release's: the Job does not see it.
    appendFileSync(join(configDir, 'dev3/apps/mary.yaml'), '\n# not deployed yet\nport: 9000\n');

    const run = spawnCli(['run', 'mary', 'dev3', '--', 'node', 'scripts/migrate.js'], env);
    expect(await run.exited).toBe(3);
    expect(run.stdout()).toBe('migrating 0042_add_index\nerror: relation "rides" does not exist\n');
    expect(run.stderr()).toContain(`\`node scripts/migrate.js\` in mary@${shas.first.slice(0, 7)} (dev3): Job dev3/`);
    expect(run.stderr()).toContain('failed with exit code 3');

    const job = ran.at(-1)!;
    const container = containerOf(job);
    expect(container.image).toBe(`docker.com/kapten/mary:${shas.first}`);
    expect(container.command).toEqual(['/bin/sh', '-c', 'exec node scripts/migrate.js']);
    expect(container.envFrom).toBeUndefined();
    expect(container.env).toContainEqual({ name: 'LOG_LEVEL', value: 'debug' });
    expect(container.env).toContainEqual({ name: 'NODE_ENV', value: 'development' });
    const web = sim.store.get(typeOf('Deployment'), 'dev3', 'mary-web');
    const port = containerOf(web!).env.find((e) => e.name === 'PORT');
    expect(port?.value).not.toBe('9000');
    expect(container.env).toContainEqual(port);
    const live = sim.store.get(typeOf('Job'), 'dev3', nameOf(job));
    expect(labelsOf(live!)['app']).toBe('mary');
  }, 120_000);

  it('keeps the command\'s own options and quoting, and exits 0 when it succeeds', async () => {
    const run = spawnCli(['run', 'mary', 'dev3', '--process', 'web', '--', 'node', '-e', 'console.log("hi there")'], env);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toBe('hello from a one-off process\n');
    expect(containerOf(ran.at(-1)!).command).toEqual(['/bin/sh', '-c', 'exec node -e \'console.log("hi there")\'']);
  }, 60_000);

  it('prints the lines of a running process as it prints them, and follows its log again when the follow drops', async () => {
    const run = spawnCli(['run', 'mary', 'dev3', '--', 'node', 'scripts/long.js'], env);
    await eventually('the process to start', () => endLong !== undefined, 30_000);
    const job = nameOf(ran.at(-1)!);
    const pod = sim.store.list(typeOf('Pod'), 'dev3', (p) => labelsOf(p)['job-name'] === job)[0]!;
    sim.pods.appendLog('dev3', nameOf(pod), 'step 1\n');
    await eventually('step 1 on stdout while the process runs', () => run.stdout() === 'step 1\n', 30_000);

    // The follow is cut: its lines before the cut are not printed twice, and the later ones come.
    sim.pods.dropLogFollows('dev3', nameOf(pod));
    sim.pods.appendLog('dev3', nameOf(pod), 'step 2\nstep 3\n');
    await eventually('steps 2 and 3 on stdout while the process runs', () => run.stdout() === 'step 1\nstep 2\nstep 3\n', 30_000);

    endLong!({ succeeded: true, log: 'done\n' });
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toBe('step 1\nstep 2\nstep 3\ndone\n');
  }, 90_000);

  it('names the processes when --process names none, and refuses where run.allowed is false', async () => {
    const wrong = spawnCli(['run', 'mary', 'dev3', '--process', 'worker', '--', 'true'], env);
    expect(await wrong.exited).toBe(2);
    expect(wrong.stderr()).toContain('nestor: mary has no process worker in this release (processes: web)');

    appendFileSync(join(configDir, 'dev3/project.yaml'), '\nrun: { allowed: false }\n');
    const before = ran.length;
    const refused = spawnCli(['run', 'mary', 'dev3', '--', 'true'], env);
    expect(await refused.exited).toBe(3);
    expect(refused.stderr()).toContain('nestor: one-off processes are not allowed for mary in dev3 (run.allowed: false in its config)');
    expect(ran.length).toBe(before);
  }, 60_000);
});
