// `nestor shell`: the same commands and pipelines in a terminal, without Slack or Redis. With no
// options it builds the demo world: the example config, local git repositories and the
// Kubernetes API simulator, in this process.
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../adapters/cli/cli-context.js';
import { startDemoWorld, type DemoWorld } from '../adapters/shell/demo-world.js';
import { approveAtPrompt } from '../adapters/shell/shell-approval.js';
import { renderText } from '../adapters/cli/text-render.js';
import { approvedJob } from '../adapters/slack/bot/approval-binding.js';
import { jobOfCommand } from '../adapters/slack/bot/job-of-command.js';
import { isMutating, type MutatingCommand } from '../core/commands/command.js';
import { infoAnswer, isInfo, type InfoCommand } from '../core/commands/info-answers.js';
import { parseCommand } from '../core/commands/parse-command.js';
import { tokenize } from '../core/commands/tokenize.js';
import { isNestorError } from '../core/errors.js';
import { configSet } from '../core/release/config-change.js';
import { describeEvent, type ReleaseEvent } from '../core/release/events.js';
import { SecretValues } from '../core/release/secret-input.js';
import { releaseDeps, runtimeSettings } from './release-runtime.js';
import { runShellJob } from './shell-jobs.js';

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
    '',
  ].join('\n');
}

/** The io of commands typed in the shell: the demo world's config, state and cluster. */
export function worldIo(io: CliIo, world: DemoWorld): CliIo {
  const env = { ...io.env, NESTOR_CONFIG: world.configDir, NESTOR_STATE: world.stateDir, KUBECONFIG: world.kubeconfig };
  return { ...io, env, releaseDeps: (options) => releaseDeps(runtimeSettings(io.cwd, env, options)) };
}

export async function runShell(input: Readable, io: CliIo, run: RunCommand, world: DemoWorld): Promise<void> {
  io.out(welcome(world));
  const lines = createInterface({ input, terminal: false })[Symbol.asyncIterator]();
  const shellIo = worldIo(io, world);
  const ask = async (question: string) => {
    io.out(question);
    const next = await lines.next();
    return next.done ? undefined : next.value;
  };
  for (;;) {
    const line = await ask('nestor> ');
    if (line === undefined) break;
    const text = line.trim().replace(/^\/nestor\b/, '').trim();
    if (text === 'exit' || text === 'quit') break;
    if (text === 'shell') io.err('nestor: already in the shell\n');
    else if (text) await runLine(text, shellIo, run, ask);
  }
  io.out('\n');
}

/** The CLI's own commands, run as the CLI runs them when a line is not a chat command (render, validate, flags...). */
const CLI_COMMANDS = new Set(['render', 'validate', 'config', 'scale', 'envs', 'deploy', 'rollback', 'unpin', 'history', 'diff', 'help']);
const SHELL_ONLY_HELP = 'Also in the shell, as in the CLI: render, validate, config show, diff, unpin, and flags such as --dry-run (`help <command>` for each).';

/**
 * A line is read as Slack reads it (the chat grammar, the same answers and approvals); what the
 * chat grammar does not know but the CLI does runs as the CLI. A change where the environment
 * asks for approval is approved at the prompt first.
 */
async function runLine(text: string, io: CliIo, run: RunCommand, ask: (q: string) => Promise<string | undefined>): Promise<void> {
  let words: string[];
  try {
    words = tokenize(text);
  } catch (e) {
    io.err(`nestor: ${(e as Error).message}\n`);
    return;
  }
  const parsed = parseCommand(text);
  if (!parsed.ok) {
    if (CLI_COMMANDS.has(words[0] ?? '')) await run(words, io);
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
    await runChange(parsed.command, io, ask);
  } catch (e) {
    io.err(`nestor: ${isNestorError(e) ? e.userMessage : (e as Error).message}\n`);
  }
}

/**
 * A change: approved at the prompt when its environment asks for it, then run as a Slack job by
 * the worker's handlers. Secret values never go into a job: `config set --secret` runs its
 * pipeline directly, which writes them only to the Kubernetes Secret.
 */
async function runChange(command: MutatingCommand, io: CliIo, ask: (q: string) => Promise<string | undefined>): Promise<void> {
  const deps = io.releaseDeps({});
  const actor = { id: io.user, name: io.user, teams: [] };
  const say = (text: string) => io.out(text);
  const approval = await approveAtPrompt({ deps, actor, ask, say: (l) => say(`${l}\n`), now: () => new Date() }, command);
  if (!approval.go) return;
  const approvedBy = approval.approved?.by;
  if (command.kind === 'config-set' && command.secret) {
    const ctx = { user: io.user, jobId: `shell-${randomUUID().slice(0, 8)}`, onEvent: (e: ReleaseEvent) => say(`${describeEvent(e)}\n`) };
    const changed = await configSet(deps, ctx, { app: command.app, env: command.env, secrets: SecretValues.of(command.values), ...(approvedBy ? { approvedBy } : {}) });
    say(`${changed.message}\n`);
    return;
  }
  const job = jobOfCommand(command, io.user, { kind: 'cli' });
  await runShellJob(deps, approval.approved ? approvedJob(job, approval.approved.binding, approval.approved.by) : job, say);
}

/** `status`, `history`, `envs` and `help`: the answers Slack gives, as text. */
async function answerInfo(command: InfoCommand, io: CliIo): Promise<void> {
  try {
    io.out(renderText(await infoAnswer(io.releaseDeps({}), command)));
    if (command.kind === 'help' && command.topic === undefined) io.out(`${SHELL_ONLY_HELP}\n`);
  } catch (e) {
    io.err(`nestor: ${isNestorError(e) ? e.userMessage : (e as Error).message}\n`);
  }
}

/** `nestor shell`: the demo world, until the input ends or `exit`. */
export async function runDemoShell(io: CliIo, run: RunCommand): Promise<void> {
  const world = await startDemoWorld(EXAMPLE_CONFIG);
  try {
    await runShell(process.stdin, io, run, world);
  } finally {
    await world.close();
  }
}
