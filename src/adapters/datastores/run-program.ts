// How datastore drivers run a client program (psql, pg_dump, pg_restore): no shell, arguments as
// separate argv entries, credentials only in the child's environment, which starts from a
// minimal one so that Nestor's own variables (and a stray PGPASSWORD) never reach it. A failure
// is a DatastoreFailed error naming what ran on which datastore, with the program's last
// message line, any password taken out.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { redact } from '../../core/ports/cluster.js';
import { ErrorCode, NestorError } from '../../core/errors.js';

export interface RunProgramOptions {
  /** Added to the minimal environment (PATH, HOME, LANG). */
  env: Record<string, string>;
  /** What runs, for messages: `pg_restore into dev3/main-db`. */
  what: string;
  /** Written to the program's standard input (a text, or a file's content), then closed. */
  input?: string | { file: string };
  /** Values that must never appear in a message. */
  secrets: readonly string[];
  /** Aborting sends SIGTERM to the program. */
  signal?: AbortSignal;
}

const STDERR_KEPT = 8_192;

/** Runs `program` and resolves with its standard output; rejects when it fails to start or exits non-zero. */
export function runProgram(program: string, args: readonly string[], options: RunProgramOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8', ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal, killSignal: 'SIGTERM' as const } : {}),
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT)));
    child.stdin?.on('error', () => undefined); // a program that exits early closes its input: its exit code says why
    if (typeof options.input === 'object') {
      const from = createReadStream(options.input.file);
      from.once('error', (error) => {
        child.kill('SIGTERM');
        reject(failure(options, error.message));
      });
      from.pipe(child.stdin!);
    } else {
      child.stdin?.end(options.input);
    }
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') reject(stopped(options));
      else if (error.code === 'ENOENT') reject(new NestorError(ErrorCode.DatastoreFailed, `${program} not found on PATH (needed for ${options.what}): install the PostgreSQL client`));
      else reject(failure(options, error.message));
    });
    child.once('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
      else if (options.signal?.aborted) reject(stopped(options));
      else reject(failure(options, lastLine(stderr) ?? `exited with ${code ?? signal}`));
    });
  });
}

function lastLine(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.findLast((l) => /error|fatal/i.test(l)) ?? lines.at(-1);
}

function failure(options: RunProgramOptions, message: string): NestorError {
  const text = redact(message, options.secrets).slice(0, 300);
  return new NestorError(ErrorCode.DatastoreFailed, `${options.what} failed: ${text}`, { retryable: true });
}

function stopped(options: RunProgramOptions): NestorError {
  return new NestorError(ErrorCode.Cancelled, `${options.what} was stopped`);
}
