// Splits the text of a command into words, as a shell would but without any expansion: single
// and double quotes group words (a quoted value may hold spaces), a backslash escapes the next
// character outside single quotes. Typographic quotes (“…” ‘…’), which chat clients substitute
// as people type, count as quotes. Errors never repeat the text: it may hold a secret.
import { CommandSyntaxError } from './syntax-error.js';

const CLOSING: Readonly<Record<string, string>> = { '"': '"', "'": "'", '“': '”', '”': '”', '‘': '’' };
const WHITESPACE = /\s/;

interface Scan {
  words: string[];
  current: string;
  /** A word has started (so `""` gives an empty word). */
  open: boolean;
}

function endWord(scan: Scan): void {
  if (scan.open) scan.words.push(scan.current);
  scan.current = '';
  scan.open = false;
}

/** Reads a quoted part starting after its opening quote; returns the index after the closing one. */
function readQuoted(text: string, start: number, close: string, scan: Scan): number {
  const escapes = close !== "'" && close !== '’';
  let i = start;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === close || (close === '”' && ch === '"') || (close === '"' && ch === '”')) return i + 1;
    if (escapes && ch === '\\' && i + 1 < text.length && /["\\\u201D$`]/.test(text[i + 1]!)) {
      scan.current += text[i + 1];
      i += 2;
      continue;
    }
    scan.current += ch;
    i += 1;
  }
  throw new CommandSyntaxError(`unterminated quote: a ${close === "'" || close === '’' ? 'single' : 'double'} quote opened at character ${start} is never closed`);
}

/** Text without an opening quote (CLOSING's keys) or a backslash is only words between whitespace. */
const QUOTE_OR_ESCAPE = new RegExp(`[${Object.keys(CLOSING).join('')}\\\\]`);

export function tokenize(text: string): string[] {
  if (!QUOTE_OR_ESCAPE.test(text)) return text.split(/\s+/).filter((word) => word !== '');
  const scan: Scan = { words: [], current: '', open: false };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (WHITESPACE.test(ch)) {
      endWord(scan);
      i += 1;
    } else if (ch in CLOSING) {
      scan.open = true;
      i = readQuoted(text, i + 1, CLOSING[ch]!, scan);
    } else if (ch === '\\' && i + 1 < text.length) {
      scan.open = true;
      scan.current += text[i + 1];
      i += 2;
    } else {
      scan.open = true;
      scan.current += ch;
      i += 1;
    }
  }
  endWord(scan);
  return scan.words;
}
