import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ReleaseDeps } from '../../core/release/release-deps.js';

/** What a CLI command may touch: injected so that tests run the real program in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Who runs the commands (recorded in history and config commits). */
  user: string;
  /** Builds the release pipelines' dependencies from the global options (injected by main). */
  releaseDeps(options: RuntimeOptions): ReleaseDeps;
}

export interface RuntimeOptions {
  config?: string;
  history?: string;
  kubeconfig?: string;
  state?: string;
}

/** Ends the command with an exit code, its message already printed. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export function releaseDepsFor(io: CliIo, command: Command): ReleaseDeps {
  return io.releaseDeps(command.optsWithGlobals<RuntimeOptions>());
}

export interface GlobalOptions {
  config?: string;
  debug?: boolean;
}

/** `--config`, then `$NESTOR_CONFIG`, then `./nestor-config`. */
export function configDir(io: CliIo, command: Command): string {
  const { config } = command.optsWithGlobals<GlobalOptions>();
  return resolve(io.cwd, config ?? io.env.NESTOR_CONFIG ?? 'nestor-config');
}

export function line(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
