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
export type ProcessIo = CliIo & { prepare(command: Command): Promise<void>; close(): Promise<void> };

/**
 * The io of a real `nestor` process. It reads process.* (environment, working folder, stdin) when
 * a command first asks, not when it is made: the startup snapshot makes it, and the program over
 * it, while the blob is built (see processCli).
 */
export function processIo(): ProcessIo {
  let loaded: Runtime | undefined;
  let deployments: ReleaseDeployments | undefined;
  let cwd: string | undefined;
  let user: string | undefined;
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    get env() {
      return process.env;
    },
    get cwd() {
      return (cwd ??= process.cwd());
    },
    get user() {
      return (user ??= currentUser(process.env));
    },
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
    // Absent (undefined) without a terminal: the commands that ask refuse then.
    get confirm() {
      return process.stdin.isTTY ? askOnTerminal : undefined;
    },
    get stdin() {
      return process.stdin;
    },
    get interrupts() {
      return process;
    },
    prepare: async (command) => {
      checkGrammarWords(command);
      if (!loaded && !WITHOUT_RUNTIME.has(commandPath(command))) loaded = await loadRuntime(process.env);
    },
    close: async () => loaded?.shared.close(),
  };
}

/** A process's program over its io, made once per process: by processCli at start, or in the startup snapshot. */
export interface ProcessCli {
  io: ProcessIo;
  program: Command;
}

export function processCli(): ProcessCli {
  const io = processIo();
  const program = nestorProgram(io);
  program.hook('preAction', (_program, command) => io.prepare(command));
  return { io, program };
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
  if (debug && error instanceof Error && error.stack) {
    io.err(`${error.stack}\n`);
    // The snapshot's script is minified (classes keep their names) and removed once the blob is built.
    if (globalThis.__nestorRequire) io.err('(stack of the CLI\'s startup snapshot: function names minified; `node bin/nestor.js` in Nestor\'s package shows the sources\' names)\n');
  }
}

/** The whole program: the CLI's commands and those that run a process (shell, bot, worker, api) or print a script. */
export function nestorProgram(io: CliIo): Command {
  return buildProgram(io, [registerShell(main), registerBot, registerWorker, registerApi, registerCompletion]);
}

/** Runs the CLI; returns the process exit code (see exit-codes.ts). Without an io it runs as the process. */
export async function main(argv: readonly string[], given?: CliIo): Promise<number> {
  return given ? parse(nestorProgram(given), given, argv) : runProcessCli(processCli(), argv);
}

/** Runs a process's CLI (made by processCli at start, or ahead in the startup snapshot) once. */
export async function runProcessCli({ io, program }: ProcessCli, argv: readonly string[]): Promise<number> {
  try {
    return await parse(program, io, argv);
  } finally {
    await io.close();
  }
}

async function parse(program: Command, io: CliIo, argv: readonly string[]): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CliExit) return error.exitCode;
    // Commander has printed its own usage error.
    if (!(error instanceof CommanderError)) report(error, io, argv.includes('--debug'));
    return exitCodeOfError(error);
  }
}
