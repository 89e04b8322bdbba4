// `nestor bot`, `nestor worker` and `nestor api` as real processes, set up by their environment only: a
// redis-server of the test's own (so it can stop it), the Slack API stand-in, the kube
// simulator on real time, a copy of the example nestor-config pointing at a real app repository,
// a bare history repository and a state folder per process. Logs (pino JSON on stdout) are
// parsed as they come; every process is SIGKILLed and everything stopped when the test ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { TestContext } from 'vitest';
import { startKubeSimulator, type KubeSimulator } from '../../src/testkit/kube-sim/index.js';
import { exampleConfigRepo } from './config-fixtures.js';
import { eventually } from './eventually.js';
import { makeAppRepo, makeBareRepo, tempDir, type AppRepoShas } from './git-fixtures.js';
import { nestorCommand } from './nestor-bundle.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { CLUSTERS, HISTORY_KEY } from './release-fixture.js';
import { startSlackApiStandin, type SlackApiStandin } from './slack-api-standin.js';

const REPO = join(import.meta.dirname, '../..');
export const SIGNING_SECRET = 'process-test-signing-secret';
/** A process starts in a second from the bundle, but in far more on a loaded machine. */
const STARTUP_MS = 90_000;

export type Log = Record<string, unknown> & { msg?: string };

export interface NestorProcess {
  readonly child: ChildProcess;
  readonly logs: Log[];
  /** Resolves with the exit code, or the signal that ended the process. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** The first log line (past or future) whose message is `msg` and that matches `where`. */
  log(msg: string, where?: (line: Log) => boolean, timeoutMs?: number): Promise<Log>;
  stderr(): string;
}

export interface ProcessWorld {
  root: string;
  redis: RedisServer;
  slack: SlackApiStandin;
  sim: KubeSimulator;
  configDir: string;
  historyRemote: string;
  app: { dir: string; shas: AppRepoShas };
  /** Starts `nestor <role>` with the world's settings, and `env` on top. */
  start(role: 'bot' | 'worker' | 'api', env?: Record<string, string>): NestorProcess;
}

export async function processWorld(ctx: TestContext): Promise<ProcessWorld> {
  const closers: (() => Promise<unknown> | void)[] = [];
  const processes: { name: string; proc: NestorProcess }[] = [];
  ctx.onTestFinished(async () => {
    if (ctx.task.result?.state === 'fail') report(processes);
    for (const close of closers.splice(0).reverse()) await Promise.resolve(close()).catch(() => undefined);
  });
  const root = tempDir('nestor-processes-');
  const redis = await startRedis();
  closers.push(() => redis.stop());
  const slack = await startSlackApiStandin();
  closers.push(() => slack.stop());
  // No image fails unless a test marks it (sim.controllers.options.crashingImages).
  const sim = await startKubeSimulator({ port: 0, controllers: { readyDelayMs: 0 } });
  closers.push(() => sim.close());
  const kubeconfig = await sim.writeKubeconfig(root, CLUSTERS);
  const app = makeAppRepo(root);
  const configDir = exampleConfigRepo(root, app.dir);
  const historyRemote = makeBareRepo(root);
  let started = 0;
  const start = (role: 'bot' | 'worker' | 'api', env: Record<string, string> = {}): NestorProcess => {
    started += 1;
    const settings = {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? root,
      SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-process-test', SLACK_API_URL: slack.apiUrl, PORT: '0', NESTOR_HEALTH_PORT: '0',
      REDIS_URL: redis.url, NESTOR_CONFIG: configDir, NESTOR_HISTORY: historyRemote, NESTOR_HISTORY_KEY: HISTORY_KEY,
      KUBECONFIG: kubeconfig, NESTOR_STATE: join(root, `state-${role}-${started}`),
      // The example's registry (docker.com) is out of reach: a test that checks images sets NESTOR_IMAGES=check and a registry of its own.
      NESTOR_IMAGES: 'off', ...env,
    };
    const proc = spawnNestor(role, settings);
    processes.push({ name: `${role} ${started}`, proc });
    closers.push(() => void proc.child.kill('SIGKILL'));
    return proc;
  };
  return { root, redis, slack, sim, configDir, historyRemote, app, start };
}

/** What each process logged, for a failed test's report. */
function report(processes: readonly { name: string; proc: NestorProcess }[]): void {
  for (const { name, proc } of processes) {
    const lines = proc.logs.slice(-20).map((l) => `  ${new Date(Number(l.time)).toISOString()} ${JSON.stringify(l)}`);
    console.error(`nestor ${name} (pid ${String(proc.child.pid)}):\n${lines.join('\n')}\n  stderr: ${proc.stderr().slice(-1000)}`);
  }
}

function spawnNestor(role: string, env: Record<string, string>): NestorProcess {
  // In the repository, as from a checkout; every setting is an absolute path.
  const [command, args] = nestorCommand([role]);
  const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Log[] = [];
  let pending = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Log);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child, logs, exited,
    log: (msg, where = () => true, timeoutMs = STARTUP_MS) =>
      eventually(`nestor ${role} to log "${msg}"`, () => logs.find((l) => l.msg === msg && where(l)), timeoutMs, 20).catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}; its stderr: ${stderr.slice(-500)}`);
      }),
    stderr: () => stderr,
  };
}
