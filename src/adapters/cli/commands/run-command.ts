// `nestor run <app> <env> [--process P] -- <command…>`: an admin process as a one-off Job of the
// running release, in-process like every CLI change: its log printed as it comes, and the
// command's exit code as nestor's own.
import { shellLine } from '../../../core/commands/command.js';
import { describeEvent, type ReleaseEvent } from '../../../core/release/events.js';
import { CliExit, line, releaseDepsFor, type CliIo } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { cliReleaseContext } from '../finish-release.js';
import { grammarCommand, onParsed } from '../grammar-commands.js';
import { interruptible } from '../interrupt.js';

export function registerRun(program: import('commander').Command, io: CliIo): void {
  grammarCommand(program, ['run']).action(onParsed('run', async ({ app, env, process, words }, _options, command) => {
    const [{ runAdminProcess }, deps] = [await import('../../../core/release/run-admin-process.js'), releaseDepsFor(io, command)];
    const input = { app, env, command: shellLine(words), ...(process ? { process } : {}) };
    // Progress to stderr: stdout is the process's log alone, as it prints it, for a script to read.
    const onEvent = (e: ReleaseEvent) => (e.type === 'log' ? io.out(e.lines.map(line).join('')) : io.err(line(describeEvent(e))));
    const context = (signal?: AbortSignal) => ({ ...cliReleaseContext(io, signal), onEvent });
    const result = await interruptible(io, (signal) => runAdminProcess(deps, context(signal), input));
    io.err(line(result.message));
    // The command's own exit code; a Job that never ended (stopped, timed out) is a failure of nestor's.
    const code = result.exitCode ?? ExitCode.Failed;
    if (code !== ExitCode.Ok) throw new CliExit(code);
  }));
}
