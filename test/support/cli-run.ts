// Runs the real `nestor` program in-process with captured output.
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
