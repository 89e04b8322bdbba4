// The commands that run a whole process (bot, worker, api, shell). Their composition roots are
// imported only when one of them runs, so that `nestor render` and the other short commands do
// not load Bolt, BullMQ or the simulator.
import type { Command } from 'commander';
import type { CliIo } from '../adapters/cli/cli-context.js';
import { ErrorCode, NestorError } from '../core/errors.js';
import type { RunCommand } from './shell.js';

/** The shell's demo world is in the test and demo kit, which the production image leaves out. */
async function importDemoShell(): Promise<typeof import('./shell.js')> {
  try {
    return await import('./shell.js');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new NestorError(ErrorCode.BadInput, 'nestor shell runs a demo world that this installation does not carry (the production image leaves out src/testkit): run it from a source checkout with npm start');
  }
}

export function registerShell(run: RunCommand) {
  return (program: Command, io: CliIo): void => {
    program
      .command('shell')
      .description('an interactive terminal running the same commands in a demo world: no Slack, no cluster needed')
      .action(async () => (await importDemoShell()).runDemoShell(io, run));
  };
}

export function registerBot(program: Command, io: CliIo): void {
  program
    .command('bot')
    .description('run the Slack bot (HTTP at /slack/events on $PORT, or Socket Mode with $SLACK_APP_TOKEN)')
    .action(async () => (await import('./bot.js')).runBot(io));
}

export function registerWorker(program: Command, io: CliIo): void {
  program
    .command('worker')
    .description('run queued jobs (deploy, rollback, scale, config) from Redis; SIGTERM finishes the current ones')
    .action(async () => (await import('./worker.js')).runWorker(io));
}

export function registerApi(program: Command, io: CliIo): void {
  program
    .command('api')
    .description('run the HTTP API for CI and scripts on $PORT (tokens in $NESTOR_API_TOKENS; GitHub webhooks with $NESTOR_GITHUB_WEBHOOK_SECRET)')
    .action(async () => (await import('./api.js')).runApi(io));
}
