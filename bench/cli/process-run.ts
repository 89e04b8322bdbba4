// One whole process, timed from outside (spawn to exit) with its peak memory (maximum resident
// set size) and CPU time (user + system) as GNU time reports them; without /usr/bin/time neither
// is measured. On a machine shared with other work the CPU time moves far less than the time.
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
  /** User + system CPU time in ms (10 ms steps); NaN when not measured. */
  cpuMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

let runs = 0;

export async function runProcess(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ProcessRun> {
  const report = join(tmpdir(), `nestor-bench-time-${process.pid}-${runs++}`);
  const [file, argv] = measuresMemory ? [GNU_TIME, ['-f', '%M %U %S', '-o', report, command, ...args]] : [command, [...args]];
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
  let [peakKiB, cpuMs] = [Number.NaN, Number.NaN];
  if (measuresMemory) {
    const [kib, user, system] = ((await readFile(report, 'utf8')).trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    [peakKiB, cpuMs] = [kib ?? Number.NaN, ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000];
    await rm(report, { force: true });
  }
  return { ms, peakKiB, cpuMs, code, stdout, stderr };
}
