// PostgreSQL driver: pg_dump's custom format for snapshots; a restore goes into a NEW database
// beside the target, and only a complete restore replaces the target, by two renames in one
// transaction (after ending the target's sessions). A restore that fails, is aborted or killed
// midway leaves the target untouched; its half-restored database is dropped then, or by the
// next restore. The connection reaches psql/pg_dump/pg_restore through PG* variables of the
// child's environment only (argv holds no host, user, database or password).
//
// With `template=on` in the connection URL, the first reset from a snapshot also keeps it as a
// template database on that server, and the next resets from it (dev1, dev2, dev3 on one
// server) copy that database instead of running pg_restore.
//
// What a reset does not carry over: the target's database-level settings (ALTER DATABASE ...
// SET) and grants; objects are restored owned by the connecting user (--no-owner,
// --no-privileges), since roles differ between environments.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { ErrorCode, NestorError } from '../../core/errors.js';
import { parseSnapshotId, type DatastoreDriver, type DatastoreTarget, type DriverRunOptions } from '../../core/ports/datastores.js';
import { connectionUrl, targetOfKind } from './connection-url.js';
import { runProgram } from './run-program.js';

export interface PostgresDriverOptions {
  /** Folder of psql, pg_dump and pg_restore; default: found on PATH. */
  binDir?: string;
  /** Database connected to for CREATE, DROP and RENAME of the target: default `postgres`. */
  maintenanceDatabase?: string;
}

interface Connection {
  env: Record<string, string>;
  database: string;
  secrets: string[];
  where: string;
  /** `template=on` in the URL: keep each snapshot restored as a template database for the next reset. */
  template: boolean;
}

const MAX_IDENTIFIER = 63;

export function postgresDriver(options: PostgresDriverOptions = {}): DatastoreDriver {
  const program = (name: string) => (options.binDir ? `${options.binDir}/${name}` : name);
  const maintenance = options.maintenanceDatabase ?? 'postgres';

  const psql = (c: Connection, database: string, sql: string, vars: Record<string, string>, signal?: AbortSignal) => {
    const args = ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', ...Object.entries(vars).flatMap(([k, v]) => ['-v', `${k}=${v}`]), '-f', '-'];
    return runProgram(program('psql'), args, { env: { ...c.env, PGDATABASE: database }, input: sql, what: `psql on ${c.where}`, secrets: c.secrets, signal });
  };

  return {
    kind: 'postgresql',
    extension: 'pgdump',

    async size(target, runOptions) {
      const c = connectionOf(target);
      const out = await psql(c, c.database, 'SELECT pg_database_size(current_database());', {}, runOptions?.signal);
      return Number(out.trim());
    },

    async snapshot(target, file, runOptions) {
      const c = connectionOf(target);
      await runProgram(program('pg_dump'), ['--format=custom', '--compress=6', `--file=${file}`], {
        env: c.env, what: `pg_dump of ${c.where}`, secrets: c.secrets, signal: runOptions.signal,
      });
    },

    async restore(target, file, runOptions) {
      const c = connectionOf(target);
      const names = {
        target: c.database, fresh: beside(c.database, 'nestor_new'), old: beside(c.database, 'nestor_old'),
        template: templateOf(runOptions.snapshotId) ?? '', snapshot: runOptions.snapshotId,
      };
      const run = (sql: string) => psql(c, maintenance, sql, names, runOptions.signal);
      // What a killed restore left behind: its half-restored database, or the target it replaced.
      await run('DROP DATABASE IF EXISTS :"fresh" WITH (FORCE);\nDROP DATABASE IF EXISTS :"old" WITH (FORCE);');
      try {
        const copied = c.template && names.template !== '' && (await run(FROM_TEMPLATE_SQL).catch(() => '0')).trim() === '1';
        if (!copied) {
          await stat(file).catch(() => {
            throw new NestorError(ErrorCode.DatastoreFailed, `the snapshot ${runOptions.snapshotId} to restore into ${c.where} is missing`);
          });
          await run('CREATE DATABASE :"fresh" TEMPLATE template0;');
          await restoreInto(c, names.fresh, file, runOptions);
          // Kept for the next reset from this snapshot on this server; another reset doing the same at once may win.
          if (c.template && names.template !== '') await run(KEEP_TEMPLATE_SQL).catch(() => undefined);
        }
        await run(SWAP_SQL);
      } catch (error) {
        await psql(c, maintenance, 'DROP DATABASE IF EXISTS :"fresh" WITH (FORCE);', names).catch(() => undefined);
        throw error;
      }
      await run('DROP DATABASE IF EXISTS :"old" WITH (FORCE);').catch(() => undefined); // else dropped by the next restore
    },
  };

  function restoreInto(c: Connection, database: string, file: string, runOptions: DriverRunOptions): Promise<string> {
    // From standard input: the snapshot is read once, in order (a file, a pipe or a download alike).
    const args = ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${database}`];
    return runProgram(program('pg_restore'), args, {
      env: { ...c.env, PGDATABASE: database }, input: { file }, what: `pg_restore into ${c.where}`, secrets: c.secrets, signal: runOptions.signal,
    });
  }
}

/**
 * Both renames in one transaction: either the target is the restored database, or it is as it
 * was. RENAME waits (up to 5 s) for the terminated sessions to end; a session that connects in
 * between fails the swap, which leaves the target as it was. A first restore has no target to
 * put aside.
 */
const SWAP_SQL = [
  `SELECT count(*) AS target_exists FROM pg_database WHERE datname = :'target' \\gset`,
  'BEGIN;',
  '\\if :target_exists',
  `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :'target' AND pid <> pg_backend_pid();`,
  'ALTER DATABASE :"target" RENAME TO :"old";',
  '\\endif',
  'ALTER DATABASE :"fresh" RENAME TO :"target";',
  'COMMIT;',
].join('\n');

/**
 * With `template=on`: the new database is a copy of the template database of the snapshot (a
 * file copy on the server, much faster than pg_restore) when the server has it. Prints 1 when
 * it did. The template's comment names the snapshot it holds.
 */
const FROM_TEMPLATE_SQL = [
  `SELECT count(*) AS usable FROM pg_database WHERE datname = :'template' AND shobj_description(oid, 'pg_database') = :'snapshot' \\gset`,
  '\\if :usable',
  'CREATE DATABASE :"fresh" TEMPLATE :"template";',
  '\\endif',
  'SELECT :usable;',
].join('\n');

/** The restored database copied as the template of its snapshot, replacing the template of an older one. */
const KEEP_TEMPLATE_SQL = [
  'DROP DATABASE IF EXISTS :"template" WITH (FORCE);',
  'CREATE DATABASE :"template" TEMPLATE :"fresh";',
  `COMMENT ON DATABASE :"template" IS :'snapshot';`,
].join('\n');

/** One template database per snapshotted datastore: `<env>_<datastore>_nestor_template`. */
function templateOf(snapshotId: string): string | undefined {
  const parts = parseSnapshotId(snapshotId);
  return parts && beside(`${parts.env}_${parts.datastore}`.replaceAll('-', '_'), 'nestor_template');
}

/** `<database>_<suffix>`, cut (with a hash of the name) to PostgreSQL's 63 bytes. */
function beside(database: string, suffix: string): string {
  const name = `${database}_${suffix}`;
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER) return name;
  const hash = createHash('sha256').update(database).digest('hex').slice(0, 8);
  return `${database.slice(0, MAX_IDENTIFIER - suffix.length - hash.length - 2)}_${hash}_${suffix}`;
}

function connectionOf(target: DatastoreTarget): Connection {
  const pg = targetOfKind(target, 'postgresql');
  const { url, where, bad } = connectionUrl(pg, ['postgresql:', 'postgres:'], 'postgresql://user@host:port/database');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) throw bad('names no database (postgresql://user@host:port/database)');
  const password = pg.connection.password?.reveal();
  const template = url.searchParams.get('template');
  if (template !== null && template !== 'on' && template !== 'off') throw bad(`has template=${template} (expected on or off)`);
  const env: Record<string, string> = { PGDATABASE: database, PGAPPNAME: 'nestor', PGCONNECT_TIMEOUT: '10' };
  const host = url.searchParams.get('host') ?? decodeURIComponent(url.hostname);
  if (host) env.PGHOST = host;
  if (url.port) env.PGPORT = url.port;
  if (url.username) env.PGUSER = decodeURIComponent(url.username);
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  if (password !== undefined) env.PGPASSWORD = password;
  return { env, database, secrets: password ? [password] : [], where, template: template === 'on' };
}
