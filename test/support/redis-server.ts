// A real redis-server for tests and benchmarks: a free port on 127.0.0.1, its own temp folder,
// append-only persistence (so a restart keeps waiting and active jobs) and no RDB snapshots.
// Ready means it answers PING, checked by polling a connection until a deadline.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MISSING_REDIS = 'redis-server not found on PATH: install it with `apt-get install redis-server`';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops it (SIGTERM: Redis flushes the append-only file first), then starts it again on the same port and folder. */
  restart(): Promise<void>;
  /** Stops it and removes its folder. Idempotent. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Milliseconds to wait for the first PING answer. Default 10 s. */
  readyTimeoutMs?: number;
  /** More redis-server arguments, e.g. `['--replicaof', '127.0.0.1', '6379']`. */
  args?: string[];
}

/** Throws one line saying how to install redis-server when it is missing. */
export function assertRedisInstalled(): void {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (probe.error) throw new Error(MISSING_REDIS);
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  assertRedisInstalled();
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'nestor-redis-'));
  const port = await freePort();
  const args = options.args ?? [];
  let child: ChildProcess | undefined = await launch(port, dir, readyTimeoutMs, args);
  const halt = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running) await terminate(running);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    restart: async () => {
      await halt();
      child = await launch(port, dir, readyTimeoutMs, args);
    },
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port of 127.0.0.1 free now (for a server the test starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function launch(port: number, dir: string, readyTimeoutMs: number, extra: readonly string[]): Promise<ChildProcess> {
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
    '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning', ...extra,
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) => reject(new Error(e.code === 'ENOENT' ? MISSING_REDIS : `redis-server: ${e.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before answering PING: ${stderr.trim().split('\n').at(-1) ?? ''}`)));
  });
  try {
    await Promise.race([waitForPing(port, readyTimeoutMs), exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  exited.catch(() => undefined); // a later exit is stop()'s business
  return child;
}

/** Polls PING over a fresh connection every 20 ms until `+PONG` or the deadline. */
export async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ping(port)) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

/** Stops a server child with `signal` (SIGKILL after 10 s) and resolves once it exited. */
export function terminate(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
