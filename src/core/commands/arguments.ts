// Checks shared by the verb parsers: argument counts, options, and names that end up in file
// paths, git and the cluster (DNS-1123 labels, safe refs). Every failure is one line naming the
// bad argument, with the usage line of the verb attached.
import { isDnsLabel } from '../config/schema-constants.js';
import { isNestorError } from '../errors.js';
import { isSha, quoteForMessage, refProblem } from '../release/ref.js';
import { usageText, type CommandPath } from './help.js';
import { CommandSyntaxError } from './syntax-error.js';

export function syntaxError(path: CommandPath, message: string): CommandSyntaxError {
  return new CommandSyntaxError(message, { verb: path[0], usage: usageText(path) });
}

/** Runs `fn`; a NestorError it throws (bad input from a shared checker) gets the command's usage. */
export function withUsage<T>(path: CommandPath, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CommandSyntaxError || !isNestorError(e)) throw e;
    throw syntaxError(path, e.userMessage);
  }
}

export interface SplitArgs {
  positional: string[];
  flags: Set<string>;
  /** The options that take a value (`--from <snapshot>`), by flag. */
  values: Map<string, string>;
}

/**
 * Separates `--flag` words from the others; a flag not in `allowed` is refused. An option of
 * `valued` takes the next word (or what follows `=`) as its value.
 */
export function splitOptions(path: CommandPath, words: readonly string[], allowed: readonly string[] = [], valued: readonly string[] = []): SplitArgs {
  const positional: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    // `--` ends the options: what follows is positional (a command line of its own).
    if (word === '--') {
      positional.push(...words.slice(i + 1));
      break;
    }
    const [flag, inline] = word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    if (!word.startsWith('-') || word === '-') {
      positional.push(word);
    } else if (valued.includes(flag)) {
      const value = inline ?? words[(i += 1)];
      if (value === undefined || value === '') throw syntaxError(path, `${flag} needs a value`);
      values.set(flag, value);
    } else if (allowed.includes(word)) {
      flags.add(word);
    } else {
      const name = quoteForMessage(word.split('=')[0] ?? word, 40);
      throw syntaxError(path, `unknown option ${name} for ${path.join(' ')}${allowed.length ? ` (only ${allowed.join(', ')})` : ''}`);
    }
  }
  return { positional, flags, values };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Refuses fewer than `min` or more than `max` positional arguments. */
export function expectCount(path: CommandPath, args: readonly string[], min: number, max: number): void {
  if (args.length >= min && args.length <= max) return;
  const wanted = min === max ? plural(min, 'argument') : max === Infinity ? `at least ${plural(min, 'argument')}` : `${min} to ${max} arguments`;
  throw syntaxError(path, `${path.join(' ')} takes ${wanted}, got ${args.length}`);
}

/** An app, environment or datastore name: a DNS-1123 label (so never `../x`, `a/b` or `X`). */
export function dnsName(path: CommandPath, what: string, value: string): string {
  if (!isDnsLabel(value)) {
    throw syntaxError(path, `invalid ${what} name ${quoteForMessage(value)}: expected a DNS-1123 label (lowercase letters, digits and -, at most 63)`);
  }
  return value;
}

export function gitRef(path: CommandPath, value: string): string {
  const problem = refProblem(value);
  if (problem !== undefined) throw syntaxError(path, `invalid ref ${quoteForMessage(value)}: ${problem}`);
  return value;
}

export function historyCommit(path: CommandPath, value: string): string {
  if (!isSha(value)) {
    throw syntaxError(path, `invalid history commit ${quoteForMessage(value)}: expected a commit sha (7 to 40 lowercase hex digits)`);
  }
  return value;
}
