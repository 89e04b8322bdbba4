import { resolve } from 'node:path';
import type { Command } from 'commander';

/** What a CLI command may touch: injected so that tests run the real program in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
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
