// Composition root of the `nestor` command line.
import { createInterface } from 'node:readline/promises';
import { CommanderError, type Command } from 'commander';
import { CliExit, type CliIo } from '../adapters/cli/cli-context.js';
import { exitCodeOfError } from '../adapters/cli/exit-codes.js';
import type { CliLocks } from './cli-locks.js';
import { currentUser } from './current-user.js';
import { registerApi, registerBot, registerShell, registerWorker } from './process-commands.js';
import { registerCompletion } from './completion-command.js';
import { checkGrammarWords } from '../adapters/cli/grammar-commands.js';
import { buildProgram } from '../adapters/cli/program.js';
import { ConfigError, formatProblem, isNestorError } from '../core/errors.js';
import type { ReleaseDeployments } from '../core/code-host/release-deployments.js';

/**
 * Commands that never build release dependencies. Every other command gets the release runtime
 * (the Kubernetes client, git, Redis: over a second to import) loaded before its action runs;
 * these start without it.
 */
const WITHOUT_RUNTIME: ReadonlySet<string> = new Set(['render', 'validate', 'envs', 'config show', 'schedules', 'schedule run', 'completion', 'shell', 'bot', 'worker', 'api', 'env use', 'logs', 'port-forward', 'exec']);

/** `config show` for the command run by `nestor config show mary dev3`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

interface Runtime {
  runtime: typeof import('./release-runtime.js');
  shared: CliLocks;
  /** Loaded only when settings name a GitHub (octokit is not loaded otherwise). */
  codeHost?: typeof import('./code-host-runtime.js');
}

async function loadRuntime(env: NodeJS.ProcessEnv): Promise<Runtime> {
  const [runtime, shared, codeHost] = await Promise.all([
    import('./release-runtime.js'),
    env.REDIS_URL ? import('./cli-locks.js').then(({ cliLocks }) => cliLocks(env)) : { locks: undefined, close: async () => undefined },
    env.NESTOR_GITHUB_TOKEN || env.NESTOR_GITHUB_APP_ID ? import('./code-host-runtime.js') : undefined,
  ]);
  return { runtime, shared, ...(codeHost ? { codeHost } : {}) };
}

/** The io of a real `nestor` process, what to load before a command runs, and what to close once it ends. */
export function processIo(): CliIo & { prepare(command: Command): Promise<void>; close(): Promise<void> } {
  let loaded: Runtime | undefined;
  let deployments: ReleaseDeployments | undefined;
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
    user: currentUser(process.env),
    releaseDeps: (options) => {
      if (!loaded) throw new Error('release dependencies asked for by a command listed in WITHOUT_RUNTIME (src/main/cli.ts)');
      const { runtime, shared, codeHost } = loaded;
      const deps = { ...runtime.releaseDeps(runtime.runtimeSettings(process.cwd(), process.env, options)), ...(shared.locks ? { locks: shared.locks } : {}) };
      const withImages = runtime.withImages(deps, process.env);
      if (!codeHost) return withImages;
      // GitHub: a Deployment per release, the changelog from compare, build statuses; its failures are warnings on stderr.
      const hosted = codeHost.withCodeHost(withImages, process.env, codeHost.stderrLogger());
      deployments = hosted.deployments;
      return hosted.deps;
    },
    deployments: () => deployments,
    ...(process.stdin.isTTY ? { confirm: askOnTerminal } : {}),
    stdin: process.stdin,
    interrupts: process,
    prepare: async (command) => {
      checkGrammarWords(command);
      if (!loaded && !WITHOUT_RUNTIME.has(commandPath(command))) loaded = await loadRuntime(process.env);
    },
    close: async () => loaded?.shared.close(),
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

/** The whole program: the CLI's commands and those that run a process (shell, bot, worker, api) or print a script. */
export function nestorProgram(io: CliIo): Command {
  return buildProgram(io, [registerShell(main), registerBot, registerWorker, registerApi, registerCompletion]);
}

/** Runs the CLI; returns the process exit code (see exit-codes.ts). */
export async function main(argv: readonly string[], given?: CliIo): Promise<number> {
  const own = given ? undefined : processIo();
  const io = given ?? own!;
  const program = nestorProgram(io);
  if (own) program.hook('preAction', (_program, command) => own.prepare(command));
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
