// The text of `/nestor ...` (or of a shell line) into a typed command, or a one-line error.
import { quoteForMessage } from '../release/ref.js';
import type { Command } from './command.js';
import { VERBS } from './command.js';
import { closestWord } from '../text/did-you-mean.js';
import { COMMAND_PREFIX, helpText, isVerb } from './help.js';
import { CommandSyntaxError } from './syntax-error.js';
import { tokenize } from './tokenize.js';
import { parseVerb } from './verb-parsers.js';

export type ParseResult = { ok: true; command: Command } | { ok: false; error: CommandSyntaxError };

const MAX_TEXT = 4_000;
const PREFIXES = new Set([COMMAND_PREFIX, 'nestor']);

function unknownVerb(word: string): CommandSyntaxError {
  const guess = closestWord(word, VERBS);
  const shown = quoteForMessage(word, 40);
  const message = guess ? `unknown command ${shown}; did you mean "${guess}"?` : `unknown command ${shown}`;
  return new CommandSyntaxError(message, { help: helpText(), ...(guess ? { suggestion: guess } : {}) });
}

function parseWords(words: readonly string[]): Command {
  const start = words[0] !== undefined && PREFIXES.has(words[0]) ? 1 : 0;
  const verbWord = words[start];
  if (verbWord === undefined) return { kind: 'help' };
  const verb = verbWord.toLowerCase();
  if (!isVerb(verb)) throw unknownVerb(verbWord);
  return parseVerb(verb, words.slice(start + 1));
}

/** Throws CommandSyntaxError (BadInput, so never retried) on bad input. */
export function parseCommandOrThrow(text: string): Command {
  if (text.length > MAX_TEXT) throw new CommandSyntaxError(`command too long: ${text.length} characters (at most ${MAX_TEXT})`);
  return parseWords(tokenize(text));
}

export function parseCommand(text: string): ParseResult {
  try {
    return { ok: true, command: parseCommandOrThrow(text) };
  } catch (e) {
    if (e instanceof CommandSyntaxError) return { ok: false, error: e };
    throw e;
  }
}
