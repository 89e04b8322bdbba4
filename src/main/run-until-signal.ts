// The life of a `nestor bot` or `nestor worker` process: settings checked first (one line naming
// every problem, exit 2 as for bad input), then the process runs until SIGTERM or SIGINT, then closes cleanly.
import type { Logger } from 'pino';
import { CliExit, type CliIo } from '../adapters/cli/cli-context.js';
import { ExitCode } from '../adapters/cli/exit-codes.js';
import { readSettings, type ProcessSettings, type Role } from './bot-settings.js';
import { nestorLogger } from './logger.js';

export interface Running {
  close(): Promise<void>;
}

export function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.once('SIGTERM', on);
    process.once('SIGINT', on);
  });
}

export async function runUntilSignal(
  role: Role, io: CliIo, start: (settings: ProcessSettings, logger: Logger) => Promise<Running>, stopping: string,
): Promise<void> {
  const read = readSettings(role, io.env, io.cwd);
  if (!read.ok) {
    io.err(`${read.line}\n`);
    throw new CliExit(ExitCode.BadInput);
  }
  const logger = nestorLogger(`nestor-${role}`);
  const running = await start(read.settings, logger);
  const signal = await nextSignal();
  logger.info({ signal }, stopping);
  await running.close();
}
