// `nestor shell`: the same commands and pipelines in a terminal, without Slack or Redis. With no
// options it builds the demo world: the example config, local git repositories and the
// Kubernetes API simulator, in this process. A REPL: ↑ history, Tab completion, Ctrl-C stops the
// running command (never the shell), Ctrl-D or `exit` quits.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo, RuntimeOptions } from '../adapters/cli/cli-context.js';
import { commandTree } from '../adapters/cli/command-tree.js';
import type { Interrupts } from '../adapters/cli/interrupt.js';
import { configCompletionValues } from '../adapters/cli/completion-values.js';
import { buildProgram } from '../adapters/cli/program.js';
import { startDemoWorld, type DemoWorld } from '../testkit/demo-world.js';
import { openLineReader, type LineReaderOptions } from '../adapters/shell/line-reader.js';
import { approveAtPrompt } from '../adapters/shell/shell-approval.js';
import { shellCompleter } from '../adapters/shell/shell-completer.js';
import { renderText } from '../adapters/cli/text-render.js';
import { approvedJob } from '../adapters/slack/bot/approval-binding.js';
import { jobOfCommand } from '../adapters/slack/bot/job-of-command.js';
import { isMutating, type MutatingCommand } from '../core/commands/command.js';
import { chatTree, mergeTrees, type CommandNode } from '../core/commands/command-tree.js';
import { infoAnswer, isInfo, type InfoCommand } from '../core/commands/info-answers.js';
import { parseCommand } from '../core/commands/parse-command.js';
import { tokenize } from '../core/commands/tokenize.js';
import { isNestorError } from '../core/errors.js';
import { configSet } from '../core/release/config-change.js';
import { describeEvent, type ReleaseEvent } from '../core/release/events.js';
import { SecretValues } from '../core/release/secret-input.js';
import { releaseDeps, runtimeSettings } from './release-runtime.js';
import { runShellJob, stopNote } from './shell-jobs.js';
import { datastorePorts } from '../adapters/datastores/datastore-ports.js';
import { snapshotsFolder } from '../adapters/fs/state-folder.js';
import { shellSchedules } from '../testkit/demo-schedules.js';
import { shellScheduleHandlers } from './shell-schedule-handlers.js';
import type { DatastorePorts } from '../core/datastores/datastore-deps.js';
import type { ReleaseDeps } from '../core/release/release-deps.js';
import type { ScheduleRuns } from '../core/ports/schedules.js';
import type { ScheduleHandlers } from '../core/schedules/schedule-handlers.js';

export const EXAMPLE_CONFIG = fileURLToPath(new URL('../../nestor-config', import.meta.url).href.replace('/dist/', '/'));

export type RunCommand = (argv: string[], io: CliIo) => Promise<number>;

function welcome(world: DemoWorld): string {
  const apps = world.apps.map((a) => a.name).join(', ');
  return [
    'Nestor shell: a demo world in this process (example config, local git repositories, a simulated cluster).',
    `apps: ${apps}; branches: main, feature-x, broken (an image that never starts)`,
    'try:  deploy mary feature-x dev3 · status mary · history mary dev3 · deploy mary broken dev3 · rollback mary dev3',
    '      deploy mary main production (asks for an approver: alice or carol)',
    '      render mary dev3 · config show mary dev3 --origin · envs · validate · help · exit',
    '      render mary production (with its alert rules, routed to the security team\'s Slack channel)',
    '      logs mary dev3 -f · port-forward mary dev3 :8080 · exec mary dev3 -- ls (the kubectl helpers, on the demo pods)',
    `      ci success mary master ${world.apps.find((a) => a.name === 'mary')?.master ?? '<sha>'} (CI passed: tag it, move greenlight)`,
    'keys: Tab completes · ↑ earlier lines · Ctrl-C stops the running command or clears the line · Ctrl-D quits',
    '',
  ].join('\n');
}

/** The io of commands typed in the shell: the demo world's config, state, cluster and scheduler. */
export function worldIo(io: CliIo, world: DemoWorld): CliIo {
  const env = { ...world.settings, ...io.env, NESTOR_CONFIG: world.configDir, NESTOR_STATE: world.stateDir, KUBECONFIG: world.kubeconfig };
  const deps = (options: RuntimeOptions = {}): ReleaseDeps => releaseDeps(runtimeSettings(io.cwd, env, options));
  const datastores = (d: ReleaseDeps): DatastorePorts => datastorePorts({ root: snapshotsFolder(io.cwd, env, runtimeSettings(io.cwd, env, {}).stateDir), clock: d.wallClock, clusters: d.clusters });
  const handlers = (runs: ScheduleRuns): Partial<ScheduleHandlers> => shellScheduleHandlers({ deps, runs, datastores, say: io.out });
  return { ...io, env, releaseDeps: deps, schedules: async () => shellSchedules(world, handlers) };
}

export interface ShellOptions {
  /** A TTY: the prompt is drawn on `output`, with line editing, ↑ history (kept in `historyFile`) and Tab. */
  terminal?: { output: Writable; historyFile?: string };
  /** Who else delivers SIGINT (the process): Ctrl-C, as typed in a terminal. */
  interrupts?: LineReaderOptions['interrupts'];
}

/**
 * What the shell understands: the chat grammar's verbs and the CLI's in-process commands (the
 * program without bot, worker, shell and completion), both read from their own definitions.
 */
export function shellGrammar(io: CliIo): { tree: CommandNode; cliCommands: ReadonlySet<string> } {
  const cli = commandTree(buildProgram(io));
  const tree = mergeTrees(cli, chatTree());
  tree.subcommands.push({ name: 'exit', subcommands: [], options: [], args: [] });
  return { tree, cliCommands: new Set(cli.subcommands.map((c) => c.name)) };
}

export async function runShell(input: Readable, io: CliIo, run: RunCommand, world: DemoWorld, options: ShellOptions = {}): Promise<void> {
  io.out(welcome(world));
  const grammar = shellGrammar(worldIo(io, world));
  const reader = openLineReader({
    input, terminal: options.terminal !== undefined, say: io.out,
    completer: shellCompleter(grammar.tree, configCompletionValues(world.configDir)),
    ...(options.terminal ? { output: options.terminal.output, ...(options.terminal.historyFile ? { historyFile: options.terminal.historyFile } : {}) } : {}),
    ...(options.interrupts ? { interrupts: options.interrupts } : {}),
  });
  const ask = (question: string) => reader.read(question);
  // A CLI command's yes/no question (`unlock`) is asked at this prompt, not on a second reader of the terminal.
  const shellIo: CliIo = { ...worldIo(io, world), confirm: async (question) => /^y(es)?$/i.test((await ask(question))?.trim() ?? '') };
  try {
    for (;;) {
      const line = await reader.read('nestor> ');
      if (line === undefined) break;
      const text = line.trim().replace(/^\/nestor\b/, '').trim();
      if (text === 'exit' || text === 'quit') break;
      if (text === 'shell') io.err('nestor: already in the shell\n');
      else if (text) await reader.running((signal) => runLine(text, { io: shellIo, run, ask, signal, cliCommands: grammar.cliCommands }));
    }
  } finally {
    reader.close();
  }
  io.out('\n');
}

interface LineRun {
  io: CliIo;
  run: RunCommand;
  ask: (q: string) => Promise<string | undefined>;
  /** Ctrl-C. */
  signal: AbortSignal;
  /** The CLI's own commands, run as the CLI runs them when a line is not a chat command (render, validate, flags...). */
  cliCommands: ReadonlySet<string>;
}

/** CLI commands that run until Ctrl-C (`logs -f`, `port-forward`): stopping them is their normal end. */
const STOPPED_BY_CTRL_C: ReadonlySet<string> = new Set(['logs', 'port-forward']);

function interruptsOf(signal: AbortSignal): Interrupts {
  return {
    on: (_event, fn) => signal.addEventListener('abort', fn, { once: true }),
    off: (_event, fn) => signal.removeEventListener('abort', fn),
    exit: () => undefined,
  };
}

const SHELL_ONLY_HELP = 'Also in the shell, as in the CLI: render, validate, config show, diff, unpin, and flags such as --dry-run (`help <command>` for each).';

/**
 * A line is read as Slack reads it (the chat grammar, the same answers and approvals); what the
 * chat grammar does not know but the CLI does runs as the CLI. A change where the environment
 * asks for approval is approved at the prompt first.
 */
async function runLine(text: string, line: LineRun): Promise<void> {
  const { io, run } = line;
  let words: string[];
  try {
    words = tokenize(text);
  } catch (e) {
    io.err(`nestor: ${(e as Error).message}\n`);
    return;
  }
  const parsed = parseCommand(text);
  const stopsOnCtrlC = STOPPED_BY_CTRL_C.has(words[0] ?? '');
  if ((!parsed.ok || !isMutating(parsed.command)) && !stopsOnCtrlC) {
    line.signal.addEventListener('abort', () => io.out('^C: this command cannot be stopped midway; it finishes\n'), { once: true });
  }
  if (!parsed.ok) {
    // Ctrl-C at the prompt is the line's signal, not the process's SIGINT: the command hears it as one.
    if (line.cliCommands.has(words[0] ?? '')) await run(words, { ...io, interrupts: interruptsOf(line.signal) });
    else io.err(`nestor: ${parsed.error.message} (type \`help\`)\n`);
    return;
  }
  if (isInfo(parsed.command)) {
    await answerInfo(parsed.command, io);
    return;
  }
  if (!isMutating(parsed.command)) {
    await run(words, io);
    return;
  }
  try {
    await runChange(parsed.command, line);
  } catch (e) {
    io.err(`nestor: ${isNestorError(e) ? e.userMessage : (e as Error).message}\n`);
  }
}

/**
 * A change: approved at the prompt when its environment asks for it, then run as a Slack job by
 * the worker's handlers. Secret values never go into a job: `config set --secret` runs its
 * pipeline directly, which writes them only to the Kubernetes Secret.
 */
async function runChange(command: MutatingCommand, line: LineRun): Promise<void> {
  const { io, ask, signal } = line;
  signal.addEventListener('abort', () => io.out('^C: stopping. Before the apply nothing changes; while waiting for the rollout it is rolled back; after that it finishes\n'), { once: true });
  const deps = io.releaseDeps({});
  const actor = { id: io.user, name: io.user, teams: [] };
  const say = (text: string) => io.out(text);
  const approval = await approveAtPrompt({ deps, actor, ask, say: (l) => say(`${l}\n`) }, command);
  if (!approval.go) return;
  const approvedBy = approval.approved?.by;
  if (command.kind === 'config-set' && command.secret) {
    const ctx = { user: io.user, jobId: `shell-${randomUUID().slice(0, 8)}`, onEvent: (e: ReleaseEvent) => say(`${describeEvent(e)}\n`), signal };
    const changed = await configSet(deps, ctx, { app: command.app, env: command.env, secrets: SecretValues.of(command.values), ...(approvedBy ? { approvedBy } : {}) });
    say(`${changed.message}\n`);
    return;
  }
  const job = jobOfCommand(command, io.user, { kind: 'cli' });
  const datastores = datastorePorts({ root: snapshotsFolder(io.cwd, io.env, runtimeSettings(io.cwd, io.env, {}).stateDir), clock: deps.wallClock, clusters: deps.clusters });
  const end = await runShellJob({ ...deps, datastores }, approval.approved ? approvedJob(job, approval.approved.binding, approval.approved.by) : job, say, signal);
  const note = signal.aborted ? stopNote(end) : undefined;
  if (note) say(`${note}\n`);
}

/** `status`, `history`, `envs`, `schedules` and `help`: the answers Slack gives, as text. */
async function answerInfo(command: InfoCommand, io: CliIo): Promise<void> {
  try {
    const schedules = command.kind === 'schedules' ? await io.schedules?.() : undefined;
    io.out(renderText(await infoAnswer({ ...io.releaseDeps({}), ...(schedules ? { schedules } : {}) }, command)));
    if (command.kind === 'help' && command.topic === undefined) io.out(`${SHELL_ONLY_HELP}\n`);
  } catch (e) {
    io.err(`nestor: ${isNestorError(e) ? e.userMessage : (e as Error).message}\n`);
  }
}

/** `nestor shell`: the demo world, until the input ends or `exit`. */
export async function runDemoShell(io: CliIo, run: RunCommand): Promise<void> {
  const world = await startDemoWorld(EXAMPLE_CONFIG);
  const historyFile = join(runtimeSettings(io.cwd, io.env, {}).stateDir, 'shell-history');
  try {
    await runShell(process.stdin, io, run, world, {
      ...(process.stdin.isTTY ? { terminal: { output: process.stdout, historyFile } } : {}),
      interrupts: process,
    });
  } finally {
    await world.close();
  }
}
