// Composition root of the `nestor` command line.
import { createInterface } from 'node:readline/promises';
import { CommanderError, type Command } from 'commander';
import { CliExit, type CliIo } from '../adapters/cli/cli-context.js';
import { exitCodeOfError } from '../adapters/cli/exit-codes.js';
import { cliLocks } from './cli-locks.js';
import { currentUser, releaseDeps, runtimeSettings } from './release-runtime.js';
import { registerBot, registerShell, registerWorker } from './process-commands.js';
import { registerCompletion } from './completion-command.js';
import { buildProgram } from '../adapters/cli/program.js';
import { ConfigError, formatProblem, isNestorError } from '../core/errors.js';

/** The io of a real `nestor` process, and what to close once its command ends. */
export function processIo(): CliIo & { close(): Promise<void> } {
  const shared = cliLocks(process.env);
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
    user: currentUser(process.env),
    releaseDeps: (options) => ({ ...releaseDeps(runtimeSettings(process.cwd(), process.env, options)), ...(shared.locks ? { locks: shared.locks } : {}) }),
    ...(process.stdin.isTTY ? { confirm: askOnTerminal } : {}),
    close: () => shared.close(),
  };
}

async function askOnTerminal(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

function report(error: unknown, io: CliIo, debug: boolean): void {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) io.err(`${formatProblem(problem)}\n`);
    if (error.problems.length > 1) io.err(`${error.problems.length} problems\n`);
  } else if (isNestorError(error)) {
    io.err(`nestor: ${error.userMessage}\n`);
  } else {
    io.err(`nestor: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  if (debug && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
}

/** The whole program: the CLI's commands and those that run a process (shell, bot, worker) or print a script. */
export function nestorProgram(io: CliIo): Command {
  return buildProgram(io, [registerShell(main), registerBot, registerWorker, registerCompletion]);
}

/** Runs the CLI; returns the process exit code (see exit-codes.ts). */
export async function main(argv: readonly string[], given?: CliIo): Promise<number> {
  const own = given ? undefined : processIo();
  const io = given ?? own!;
  const program = nestorProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CliExit) return error.exitCode;
    // Commander has printed its own usage error.
    if (!(error instanceof CommanderError)) report(error, io, argv.includes('--debug'));
    return exitCodeOfError(error);
  } finally {
    await own?.close();
  }
}
