// `nestor unlock <app> <env>`: frees by hand the lock of an app in an environment whose holder
// will not free it (a holder known dead on this host is taken over by itself; this is for the
// rest: another host, a hung process). It shows who holds it and since when, asks before
// breaking it (a prompt on a terminal, or --yes), breaks only the holder it showed, and is
// recorded: the lock store keeps a note of who broke it (printed by a later `nestor unlock`),
// and a log line goes to stderr.
import type { Command } from 'commander';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import { appLockKey, describeHolderFully, type BrokenLock } from '../../../core/ports/locks.js';
import { CliExit, releaseDepsFor, type CliIo } from '../cli-context.js';

function brokenLine(note: BrokenLock): string {
  return `broken by ${note.by} at ${note.at}, when held by ${describeHolderFully(note.holder)}`;
}

/** The audit line: JSON as the processes log, so it can go where their logs go. */
function logLine(key: string, note: BrokenLock): string {
  return `${JSON.stringify({ level: 'warn', time: note.at, name: 'nestor-cli', msg: 'lock broken by hand', key, by: note.by, holder: note.holder })}\n`;
}

export function registerUnlock(program: Command, io: CliIo): void {
  program
    .command('unlock')
    .description('break the lock of an app in an environment, after showing who holds it (asks first; recorded)')
    .argument('<app>').argument('<env>')
    .option('--yes', 'break it without asking (for scripts)')
    .action(async (app: string, env: string, options: { yes?: boolean }, command: Command) => {
      (await import('../../../core/release/deploy.js')).checkAppAndEnv(app, env);
      const { locks } = releaseDepsFor(io, command);
      const key = appLockKey(app, env);
      const holder = await locks.current(key);
      if (!holder) {
        const last = await locks.lastBroken(key);
        io.out(`${app} in ${env} is not locked${last ? ` (last lock ${brokenLine(last)})` : ''}\n`);
        return;
      }
      io.out(`${app} in ${env} is locked by ${describeHolderFully(holder)}\n`);
      if (!options.yes) {
        if (!io.confirm) {
          throw new NestorError(ErrorCode.BadInput, 'nestor unlock asks for confirmation: run it on a terminal, or pass --yes');
        }
        const question = `Break it? ${holder.user}'s operation would go on without the lock, beside the next one [y/N] `;
        if (!(await io.confirm(question))) {
          io.out('left locked\n');
          throw new CliExit(1);
        }
      }
      const note = await locks.breakLock(key, holder, io.user);
      if (!note) {
        const now = await locks.current(key);
        const state = now ? `now held by ${describeHolderFully(now)}` : 'it was freed';
        throw new NestorError(ErrorCode.Conflict, `the lock of ${app} in ${env} changed meanwhile (${state}); nothing broken`);
      }
      io.err(logLine(key, note));
      io.out(`unlocked ${app} in ${env}: recorded as ${brokenLine(note)}\n`);
    });
}
