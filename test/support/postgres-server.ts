// A real PostgreSQL cluster for tests: initdb in a temp folder, `postgres` on a free port of
// 127.0.0.1 with its unix socket in that folder too, password authentication (scram) for one
// superuser, and no durability (fsync off: a test cluster is thrown away). Debian keeps the
// server programs off PATH (/usr/lib/postgresql/<version>/bin); they are looked up there too.
// PostgreSQL refuses to run as root: a root test process runs them as the `postgres` user.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { eventually } from './eventually.js';
import { freePort, terminate } from './redis-server.js';

export const MISSING_POSTGRES =
  'initdb not found on PATH nor in /usr/lib/postgresql/*/bin: install PostgreSQL with `apt-get install postgresql`';

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** The superuser, whose password is `password`. */
  readonly user: string;
  readonly password: string;
  /** The temp folder (data directory and unix socket). */
  readonly dir: string;
  /** `postgresql://<user>@127.0.0.1:<port>/<database>`: no password in it. */
  url(database: string): string;
  /** Runs SQL through psql (password in its environment) and returns its unaligned, tuples-only output. */
  sql(database: string, statements: string): string;
  /** Stops it (fast shutdown) and removes its folder. Idempotent. */
  stop(): Promise<void>;
}

/** A PostgreSQL server program: on PATH, else the newest of /usr/lib/postgresql/<version>/bin. */
export function postgresProgram(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin', name)).find((path) => existsSync(path));
}

export async function startPostgres(): Promise<PostgresServer> {
  const initdb = postgresProgram('initdb');
  const postgres = postgresProgram('postgres');
  if (!initdb || !postgres) throw new Error(MISSING_POSTGRES);
  const dir = mkdtempSync(join(tmpdir(), 'nestor-pg-'));
  const runAs = serverUser();
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  const user = 'nestor';
  const password = `pg-${randomBytes(12).toString('hex')}`;
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
  const data = join(dir, 'data');
  const init = spawnSync(initdb, ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'], {
    encoding: 'utf8', ...(runAs ?? {}),
  });
  rmSync(pwfile, { force: true });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(init.stderr || init.error?.message || '').trim().split('\n').at(-1)}`);
  }
  const port = await freePort();
  const child = spawn(postgres, [
    '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=40',
  ], { stdio: ['ignore', 'ignore', 'pipe'], ...(runAs ?? {}) });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const server = serverOf({ host: '127.0.0.1', port, user, password, dir, child });
  try {
    await eventually(`postgres on port ${port} (${stderr.trim().split('\n').at(-1) ?? ''})`, () => {
      if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}: ${stderr.trim().split('\n').at(-1) ?? ''}`);
      return isReady(port);
    }, 20_000, 50);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

function serverOf(s: { host: string; port: number; user: string; password: string; dir: string; child: ChildProcess }): PostgresServer {
  let stopped = false;
  return {
    host: s.host, port: s.port, user: s.user, password: s.password, dir: s.dir,
    url: (database) => `postgresql://${s.user}@${s.host}:${s.port}/${database}`,
    sql: (database, statements) => {
      const run = spawnSync('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-h', s.host, '-p', String(s.port), '-U', s.user, '-d', database], {
        input: statements, encoding: 'utf8', env: { ...process.env, PGPASSWORD: s.password },
      });
      if (run.status !== 0) throw new Error(`psql on ${database}: ${(run.stderr || run.error?.message || '').trim()}`);
      return run.stdout.trim();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await terminate(s.child, 'SIGINT'); // fast shutdown: ends the sessions, no checkpoint wait for clients
      rmSync(s.dir, { recursive: true, force: true });
    },
  };
}

/** The `postgres` user (else `nobody`) when this process is root, since PostgreSQL won't run as root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const users = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
  const entry = users.find((u) => u[0] === 'postgres') ?? users.find((u) => u[0] === 'nobody');
  if (!entry) throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

function isReady(port: number): boolean {
  const probe = spawnSync(postgresProgram('pg_isready') ?? 'pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  return probe.status === 0;
}
