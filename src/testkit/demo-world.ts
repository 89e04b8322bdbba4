// The embedded default for a newcomer with no Slack and no cluster: the example nestor-config
// copied to a scratch folder (a git work tree), a local git repository for each app, a history repository, and
// the Kubernetes API simulator, all in this process; and a redis-server of its own (when one is
// installed) holding mary's cache in staging and dev3, the example's datastore.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFolder } from '../adapters/fs/config-folder.js';
import { startDemoPods } from './demo-pods.js';
import { startKubeSimulator, type KubeSimulator } from './kube-sim/index.js';

export interface DemoWorld {
  root: string;
  configDir: string;
  stateDir: string;
  kubeconfig: string;
  sim: KubeSimulator;
  /** Apps with their branches and master's commit (for `ci success`), for the welcome text. */
  apps: { name: string; branches: string[]; master: string }[];
  /** Settings of Nestor's environment the example config names (`$MARY_CACHE_STAGING`...): the demo's Redis. */
  settings: Record<string, string>;
  close(): Promise<void>;
}

const IDENTITY = ['-c', 'user.name=Demo', '-c', 'user.email=demo@nestor.invalid', '-c', 'init.defaultBranch=main'];
const git = (cwd: string, ...args: string[]) => execFileSync('git', [...IDENTITY, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function commit(dir: string, subject: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', subject);
  return git(dir, 'rev-parse', 'HEAD');
}

/** main (and master, which staging tracks): a first and a second commit; feature-x: a change; migrating: a release phase; broken: an image that never starts. */
function makeAppRepo(root: string, app: string, processes: Record<string, string>): { dir: string; broken: string; master: string } {
  const dir = join(root, 'apps', app);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '--quiet');
  const procfile = (extra = '') => Object.entries(processes).map(([p, cmd]) => `${p}: ${cmd}${p === 'web' ? extra : ''}`).join('\n') + '\n';
  commit(dir, `${app}: first version`, { Procfile: procfile(), 'README.md': `# ${app}\n` });
  const master = commit(dir, `${app}: faster start-up`, { 'README.md': `# ${app}\n\nStarts faster.\n` });
  git(dir, 'branch', 'master');
  git(dir, 'checkout', '--quiet', '-b', 'feature-x');
  commit(dir, `${app}: feature x`, { Procfile: procfile(' --feature-x'), 'FEATURES.md': 'x\n' });
  // migrating: a release phase (Procfile `release:`), run as a Job before the release is applied.
  git(dir, 'checkout', '--quiet', '-b', 'migrating', 'main');
  commit(dir, `${app}: migrate on release`, { Procfile: `${procfile()}release: node scripts/migrate.js\n` });
  git(dir, 'checkout', '--quiet', '-b', 'broken', 'main');
  const broken = commit(dir, `${app}: a release that crashes`, { 'README.md': `# ${app}\n\nBroken.\n` });
  git(dir, 'checkout', '--quiet', 'main');
  return { dir, broken, master };
}

export async function startDemoWorld(exampleConfigDir: string): Promise<DemoWorld> {
  const root = mkdtempSync(join(tmpdir(), 'nestor-demo-'));
  const configDir = join(root, 'nestor-config');
  cpSync(exampleConfigDir, configDir, { recursive: true });
  const tree = await loadConfigFolder(configDir);
  const apps: DemoWorld['apps'] = [];
  const broken: string[] = [];
  for (const [app, file] of tree.environments.get('production')?.apps ?? []) {
    const processes = (file.data.processes ?? { web: 'node server.js' }) as Record<string, string>;
    const repo = makeAppRepo(root, app, processes);
    broken.push(repo.broken);
    const origin = String((file.data.git as { origin?: string } | undefined)?.origin ?? '');
    const path = join(configDir, file.file.path);
    writeFileSync(path, readFileSync(path, 'utf8').replace(origin, repo.dir));
    apps.push({ name: app, branches: ['main', 'feature-x', 'broken'], master: repo.master });
  }
  // A git work tree, as nestor-config is in production: scale and config set make commits.
  git(configDir, 'init', '--quiet');
  commit(configDir, 'the example configuration, with the demo apps\' local repositories', {});
  const sim = await startKubeSimulator({ port: 0, controllers: { readyDelayMs: 400, timeFactor: 0.005, crashingImages: broken } });
  const clusters = new Set<string>();
  for (const env of tree.environments.values()) {
    for (const c of (env.project.data.deployments as { kubernetes?: { cluster_name: string; context?: string }[] } | undefined)?.kubernetes ?? []) {
      clusters.add(c.context ?? c.cluster_name);
    }
  }
  const kubeconfig = await sim.writeKubeconfig(join(root, 'kube'), [...clusters]);
  const pods = await startDemoPods(sim);
  const redis = await startDemoRedis();
  return {
    root, configDir, stateDir: join(root, 'state'), kubeconfig, sim, apps, settings: redis?.settings ?? {},
    close: async () => {
      redis?.child.kill();
      await pods.close();
      await sim.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

/** Database 1 is staging's cache, 3 dev3's, 15 the scratch database of restores; some keys in staging's. */
async function startDemoRedis(): Promise<{ child: ChildProcess; settings: Record<string, string> } | undefined> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const started = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    child.once('spawn', () => resolve(true));
  });
  if (!started) return undefined;
  const url = (db: number) => `redis://127.0.0.1:${port}/${db}?scratch_db=15`;
  const cli = (...args: string[]) => execFileSync('redis-cli', ['-p', String(port), ...args], { stdio: 'ignore' });
  for (let i = 0; i < 50; i += 1) {
    try {
      cli('-n', '1', 'MSET', 'greeting', 'hello from staging', 'feature:checkout', 'on', 'visits', '1024');
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { child, settings: { MARY_CACHE_STAGING: url(1), MARY_CACHE_DEV3: url(3) } };
}
