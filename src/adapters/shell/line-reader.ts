// The shell's input as a REPL reads it (node:readline): a prompt, ↑/↓ through earlier lines
// (kept in a file across sessions), Tab completion, Ctrl-D to quit. Ctrl-C stops the command
// that runs (its AbortSignal) or, at the prompt, clears the line; it never ends the shell. A
// SIGINT sent to the process (input from a pipe, `kill -INT`) does the same.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface, type AsyncCompleter, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface LineReaderOptions {
  input: Readable;
  /** Where a terminal's prompt and echo go; required when `terminal`. */
  output?: Writable;
  /** Line editing, history and completion (a TTY); otherwise lines are read as they come. */
  terminal: boolean;
  /** Prints text (the prompt, when not a terminal; the notes below). */
  say(text: string): void;
  completer?: (line: string) => Promise<[string[], string]>;
  /** Earlier lines, newest last, one per line; written back as lines are read. */
  historyFile?: string;
  /** Whoever else delivers SIGINT (the process): it counts as Ctrl-C. */
  interrupts?: { on(event: 'SIGINT', fn: () => void): unknown; off(event: 'SIGINT', fn: () => void): unknown };
}

export interface LineReader {
  /** The next line, or undefined once the input ends (Ctrl-D, the end of a pipe). */
  read(prompt: string): Promise<string | undefined>;
  /** Runs a command; Ctrl-C meanwhile aborts the signal it is given (once: the command says how it stopped). */
  running<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T>;
  close(): void;
}

const HISTORY_SIZE = 500;

/** A line never to keep: it may hold a secret value. */
const isSecret = (line: string): boolean => /(^|\s)--secret(\s|$)/.test(line);

function readHistory(file: string | undefined): string[] {
  if (!file) return [];
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !isSecret(l)).slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

function writeHistory(file: string, newestFirst: readonly string[]): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${[...newestFirst].reverse().join('\n')}\n`, { mode: 0o600 });
  } catch {
    // history is a convenience: a read-only state folder must not stop the shell
  }
}

export function openLineReader(options: LineReaderOptions): LineReader {
  const { terminal, say } = options;
  const complete = options.completer;
  const completer: AsyncCompleter | undefined = complete
    ? (line, callback) => void complete(line).then((r) => callback(null, r), () => callback(null, [[], line]))
    : undefined;
  const rl: Interface = createInterface({
    input: options.input, terminal, prompt: '',
    ...(terminal && options.output ? { output: options.output } : {}),
    ...(terminal && completer ? { completer } : {}),
    ...(terminal ? { history: readHistory(options.historyFile), historySize: HISTORY_SIZE, removeHistoryDuplicates: true } : {}),
  });
  const lines: string[] = [];
  let waiting: ((line: string | undefined) => void) | undefined;
  let ended = false;
  let command: AbortController | undefined;
  let shown = '';

  rl.on('line', (line) => {
    const history = (rl as unknown as { history?: string[] }).history;
    if (history && isSecret(line) && history[0] === line) history.shift();
    if (terminal && options.historyFile && history) writeHistory(options.historyFile, history);
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(line);
    } else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    waiting?.(undefined);
    waiting = undefined;
  });

  const clearLine = (): void => {
    rl.write(null, { ctrl: true, name: 'e' });
    rl.write(null, { ctrl: true, name: 'u' });
  };
  const interrupt = (): void => {
    if (command) {
      if (terminal) clearLine();
      // The command says how it stops (its abort listeners); a question it asks is answered "nothing".
      if (command.signal.aborted) say('^C: still stopping, wait for it to say how it ended\n');
      command.abort();
      const answer = waiting;
      waiting = undefined;
      answer?.(undefined);
    } else if (terminal) {
      // At the prompt: drop what was typed, as a shell does.
      clearLine();
      say('^C\n');
      rl.prompt();
    } else {
      say(`\n${shown}`);
    }
  };
  rl.on('SIGINT', interrupt);
  options.interrupts?.on('SIGINT', interrupt);

  return {
    read: (prompt) => {
      shown = prompt;
      const queued = lines.shift();
      if (terminal) {
        rl.setPrompt(prompt);
        if (queued === undefined && !ended) rl.prompt();
      } else {
        say(prompt);
      }
      if (queued !== undefined) return Promise.resolve(queued);
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    running: async (run) => {
      command = new AbortController();
      // No prompt while it runs: a redrawn line (Ctrl-C clearing typed-ahead text) shows none.
      if (terminal) rl.setPrompt('');
      try {
        return await run(command.signal);
      } finally {
        command = undefined;
      }
    },
    close: () => {
      options.interrupts?.off('SIGINT', interrupt);
      rl.close();
    },
  };
}
