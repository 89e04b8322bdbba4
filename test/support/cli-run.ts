// Runs the real `nestor` program in-process with captured output, or as a process of its own
// (for signals: Ctrl-C is SIGINT sent to it).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { CliIo } from '../../src/adapters/cli/cli-context.js';
import { main } from '../../src/main/cli.js';
import type { ReleaseDeps } from '../../src/core/release/release-deps.js';
import { releaseDeps, runtimeSettings } from '../../src/main/release-runtime.js';
import { nestorCommand } from './nestor-bundle.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** The release dependencies every command gets, instead of those its flags and settings build. */
  deps?: ReleaseDeps;
}

export async function runCli(argv: string[], options: CliRunOptions): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const env = { ...options.env };
  const io: CliIo = {
    out: (s) => void (stdout += s),
    err: (s) => void (stderr += s),
    env,
    cwd: options.cwd,
    user: env.NESTOR_USER ?? 'tester',
    releaseDeps: (o) => options.deps ?? releaseDeps(runtimeSettings(options.cwd, env, o)),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** `nestor` in-process on given release deps, its output as `{ code, out, err }`. */
export function cliOn(options: CliRunOptions | (() => CliRunOptions)) {
  return async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const run = await runCli(argv, typeof options === 'function' ? options() : options);
    return { code: run.code, out: run.stdout, err: run.stderr };
  };
}

export interface CliProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code, or the signal that ended the process. */
  readonly exited: Promise<number | NodeJS.Signals>;
  stdout(): string;
  stderr(): string;
}

const REPO = join(import.meta.dirname, '../..');

/** `nestor <argv>` as a process, from this run's bundle of the sources; `env` is its whole environment (PATH and HOME added). */
export function spawnCli(argv: string[], env: Record<string, string>): CliProcess {
  const [command, args] = nestorCommand(argv);
  const child = spawn(command, args, {
    cwd: REPO, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? REPO, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}
