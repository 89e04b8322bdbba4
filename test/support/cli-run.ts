// Runs the real `nestor` program in-process with captured output, or as a process of its own
// (for signals: Ctrl-C is SIGINT sent to it).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { CliIo } from '../../src/adapters/cli/cli-context.js';
import { main } from '../../src/main/cli.js';
import { releaseDeps, runtimeSettings } from '../../src/main/release-runtime.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const env = { ...options.env };
  const io: CliIo = {
    out: (s) => void (stdout += s),
    err: (s) => void (stderr += s),
    env,
    cwd: options.cwd,
    user: env.NESTOR_USER ?? 'tester',
    releaseDeps: (o) => releaseDeps(runtimeSettings(options.cwd, env, o)),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export interface CliProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code, or the signal that ended the process. */
  readonly exited: Promise<number | NodeJS.Signals>;
  stdout(): string;
  stderr(): string;
}

const REPO = join(import.meta.dirname, '../..');

/** `nestor <argv>` from the sources as a process; `env` is its whole environment (PATH and HOME added). */
export function spawnCli(argv: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/support/nestor-child.ts'), ...argv], {
    cwd: REPO, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? REPO, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}
