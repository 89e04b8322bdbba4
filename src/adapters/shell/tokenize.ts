import { ErrorCode, NestorError } from '../../core/errors.js';

/** Splits a command line into words: white space separates, '…' and "…" group, \ escapes. */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i]!;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i]!;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new NestorError(ErrorCode.BadInput, `unterminated ${quote} quote`);
  if (word !== undefined) words.push(word);
  return words;
}
