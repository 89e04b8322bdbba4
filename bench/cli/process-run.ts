// One whole process, timed from outside (spawn to exit) with its peak memory (maximum resident
// set size) as GNU time reports it; without /usr/bin/time the memory is not measured.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const GNU_TIME = '/usr/bin/time';
export const measuresMemory = existsSync(GNU_TIME);

export interface ProcessRun {
  ms: number;
  /** Peak resident memory in KiB; NaN when not measured. */
  peakKiB: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

let runs = 0;

export async function runProcess(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ProcessRun> {
  const report = join(tmpdir(), `nestor-bench-time-${process.pid}-${runs++}`);
  const [file, argv] = measuresMemory ? [GNU_TIME, ['-f', '%M', '-o', report, command, ...args]] : [command, [...args]];
  const start = performance.now();
  const child = spawn(file, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exit) => resolve(exit));
  });
  const ms = performance.now() - start;
  let peakKiB = Number.NaN;
  if (measuresMemory) {
    peakKiB = Number((await readFile(report, 'utf8')).trim().split('\n').at(-1));
    await rm(report, { force: true });
  }
  return { ms, peakKiB, code, stdout, stderr };
}
