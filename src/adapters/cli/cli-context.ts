import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { stateFolder } from '../fs/state-folder.js';
import { CONFIG_CLONE_FOLDER, configLocation } from '../git/config-location.js';
import type { ReleaseDeployments } from '../../core/code-host/release-deployments.js';
import type { ReleaseDeps } from '../../core/release/release-deps.js';
import type { ScheduleDeps } from '../../core/schedules/schedule-listing.js';
import type { Interrupts } from './interrupt.js';

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
  /**
   * The code host's Deployments (GitHub) of the releases this process runs, once `releaseDeps`
   * built them from its settings; absent or undefined: no code host is configured.
   */
  deployments?(): ReleaseDeployments | undefined;
  /** Asks a yes/no question on the user's terminal; absent when there is none (stdin not a TTY). */
  confirm?(question: string): Promise<boolean>;
  /** What `nestor exec --stdin` passes to the command; absent: none. */
  stdin?: Readable;
  /** Ctrl-C (SIGINT) during a change stops it (see interrupt.ts); absent: the change cannot be stopped. */
  interrupts?: Interrupts;
  /** The scheduler of `nestor schedules` and `schedule run`; absent: the workers' (REDIS_URL). The shell's runs in-process. */
  schedules?(): Promise<ScheduleBackend>;
}

export interface ScheduleBackend extends ScheduleDeps {
  /** Firings run in this process (`nestor shell`), done when `schedule run` returns. */
  inProcess?: boolean;
  close(): Promise<void>;
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

/**
 * The nestor-config folder to read (`--config`, then `$NESTOR_CONFIG`, then `./nestor-config`):
 * that folder, or for a repository this machine's clone of it in the state folder, fetched.
 */
export async function configFolder(io: CliIo, command: Command): Promise<string> {
  const { config, state } = command.optsWithGlobals<RuntimeOptions>();
  const location = configLocation(config ?? io.env.NESTOR_CONFIG ?? 'nestor-config', io.cwd);
  if (location.kind === 'folder') return location.dir;
  const workDir = join(stateFolder(io.cwd, io.env, state), CONFIG_CLONE_FOLDER);
  // git only for a repository: a folder read in place starts without it.
  const { GitConfigRepo } = await import('../git/git-config-repo.js');
  return new GitConfigRepo({ remote: location.remote, workDir }).checkout();
}

export function line(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
