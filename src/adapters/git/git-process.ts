// One way to run git: simple-git (no shell), a minimal environment that never prompts, a
// bounded silent time, and a fixed identity. Arguments are always separate argv entries.

import { performance } from 'node:perf_hooks';
import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';

export interface GitIdentity {
  name: string;
  email: string;
}

export const NESTOR_IDENTITY: GitIdentity = { name: 'Nestor', email: 'nestor@nestor.invalid' };
const DEFAULT_TIMEOUT_MS = 60_000;
/** Done anyway this long after git exits, should a process git left behind hold its output open. */
const COMPLETION_AFTER_EXIT_MS = 10_000;

export interface GitProcessOptions {
  identity?: GitIdentity;
  /** Kill a git process silent for this long (network hangs). */
  timeoutMs?: number;
  /** Every git run through `raw` or `showBuffer`, once ended (for metrics). */
  onRun?: (run: GitRun) => void;
}

export interface GitRun {
  /** The git command (fetch, push, fast-import...), or `other`. */
  command: string;
  ok: boolean;
  seconds: number;
}

/** The command of a run's arguments, as given to raw (an array, or one argument each). */
function commandOf(args: unknown[]): string {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  return typeof first === 'string' && /^[a-z][a-z-]{0,30}$/.test(first) ? first : 'other';
}

/** `git`, its runs through raw and showBuffer (all Nestor makes) told to `onRun` as each ends. */
function observed(git: SimpleGit, onRun: (run: GitRun) => void): SimpleGit {
  const timed = <T>(method: (...args: never[]) => PromiseLike<T>) => (...args: never[]): Promise<T> => {
    const command = commandOf(args);
    const start = performance.now();
    const told = (ok: boolean) => onRun({ command, ok, seconds: (performance.now() - start) / 1000 });
    return Promise.resolve(method.apply(git, args)).then(
      (answer) => (told(true), answer),
      (error: unknown) => {
        told(false);
        throw error;
      },
    );
  };
  git.raw = timed(git.raw) as unknown as SimpleGit['raw'];
  git.showBuffer = timed(git.showBuffer) as unknown as SimpleGit['showBuffer'];
  return git;
}

/**
 * A simple-git instance rooted at `baseDir`, writing `stdin` to each git it runs when given.
 * Note for callers: simple-git waits 50 ms after a process that printed nothing, so prefer
 * commands that print (`--verbose`, `--porcelain`).
 */
export function openGit(baseDir: string, options: GitProcessOptions = {}, stdin?: string): SimpleGit {
  const identity = options.identity ?? NESTOR_IDENTITY;
  const git = simpleGit({
    baseDir,
    config: [
      `user.name=${identity.name}`,
      `user.email=${identity.email}`,
      'advice.detachedHead=false',
      'init.defaultBranch=main',
      'gc.auto=0',
      'maintenance.auto=false',
      'receive.autogc=false',
      'fetch.writeCommitGraph=false',
    ],
    timeout: { block: options.timeoutMs ?? DEFAULT_TIMEOUT_MS },
    // Done when git's output is all read ('close'), not 50 ms after it exits (simple-git's
    // default): on a loaded machine the output could still be unread then, and was lost.
    completion: { onClose: true, onExit: COMPLETION_AFTER_EXIT_MS },
    errors: failureOf,
    allowEnvironment: ['GIT_TERMINAL_PROMPT', 'GIT_SSH_COMMAND'],
    // Only our own constant GIT_SSH_COMMAND below (BatchMode: ssh never prompts); user input
    // never reaches git options.
    unsafe: { allowUnsafeSshCommand: true },
    ...(stdin === undefined ? {} : { input: () => stdin }),
  }).env(gitEnvironment());
  return options.onRun ? observed(git, options.onRun) : git;
}

type GitResult = Parameters<NonNullable<SimpleGitOptions['errors']>>[1];

/**
 * simple-git's rule (a failure is a non-zero exit with something on stderr) with two more: a git
 * stopped by a signal (no exit code) and a fatal exit (128 and up) are failures even with nothing
 * on stderr, their output cut short. A quiet exit 1 stays an answer (`config --get` of nothing).
 */
function failureOf(error: Buffer | Error | undefined, result: GitResult): Buffer | Error | undefined {
  if (error) return error;
  const code = result.exitCode as number | null;
  const said = Buffer.concat([...result.stdOut, ...result.stdErr]);
  if (code === null) return new Error(`git was stopped by a signal${said.length > 0 ? `: ${said.toString('utf8').trim()}` : ''}`);
  if (code !== 0 && result.stdErr.length > 0) return said;
  if (code >= 128) return new Error(`git exited with code ${code} and no message`);
  return undefined;
}

function gitEnvironment(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes',
  };
  if (process.env.SSH_AUTH_SOCK) env.SSH_AUTH_SOCK = process.env.SSH_AUTH_SOCK;
  return env;
}

/** The first line of a git failure, for logs (never shown raw to chat users). */
export function gitFailureText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n').find((l) => l.trim() !== '') ?? 'git failed';
  return line.replace(/^(fatal|error): /, '').slice(0, 300);
}

/** Runs `git` and returns stdout, or undefined when git exits non-zero. */
export async function tryRaw(git: SimpleGit, args: string[]): Promise<string | undefined> {
  try {
    return await git.raw(args);
  } catch {
    return undefined;
  }
}
