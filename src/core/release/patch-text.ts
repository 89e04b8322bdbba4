// A unified diff of two texts, as the diff package's createTwoFilesPatch writes it (3 lines of
// context), without running its diff algorithm when the answer is known: an object created or
// deleted is all added or all removed lines, and equal texts have no hunk. A release of new apps
// is all creations, so this is most of the diffs of a fleet's first release.
import { createTwoFilesPatch } from 'diff';

const SEPARATOR = '===================================================================';

function header(fromLabel: string, toLabel: string): string {
  return `${SEPARATOR}\n--- ${fromLabel}\n+++ ${toLabel}\n`;
}

/** Every line of `text` prefixed with `sign`; undefined when the text does not end with a newline (the patch then says so). */
function wholeLines(text: string, sign: '+' | '-'): { count: number; body: string } | undefined {
  if (!text.endsWith('\n')) return undefined;
  const lines = text.slice(0, -1).split('\n');
  return { count: lines.length, body: lines.map((line) => `${sign}${line}\n`).join('') };
}

export function unifiedPatch(fromLabel: string, toLabel: string, from: string, to: string): string {
  if (from === to) return header(fromLabel, toLabel);
  if (from === '') {
    const added = wholeLines(to, '+');
    if (added) return `${header(fromLabel, toLabel)}@@ -0,0 +1,${added.count} @@\n${added.body}`;
  } else if (to === '') {
    const removed = wholeLines(from, '-');
    if (removed) return `${header(fromLabel, toLabel)}@@ -1,${removed.count} +0,0 @@\n${removed.body}`;
  }
  return createTwoFilesPatch(fromLabel, toLabel, from, to, '', '', { context: 3 });
}
