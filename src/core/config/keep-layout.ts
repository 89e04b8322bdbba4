// Keeps every line an edit did not touch exactly as it was. The `yaml` package re-renders a
// whole document (`[a]` becomes `[ a ]`, spacing is normalised), so the edited document is
// rendered twice, before and after the edit, and only the lines that differ between those two
// renderings replace their counterparts in the original text.
import { diffArrays } from 'diff';
import { load } from 'js-yaml';
import { isDeepStrictEqual } from 'node:util';

type Segment = { same: true; r0: number; o: number } | { same: false; r0: [number, number]; o: [number, number] };

const linesOf = (text: string): string[] => (text === '' ? [] : text.split(/(?<=\n)/));

/** How the original lines line up with the rendering of the unedited document. */
function align(before: string[], original: string[]): Segment[] {
  const segments: Segment[] = [];
  let r0 = 0;
  let o = 0;
  for (const change of diffArrays(before, original)) {
    const count = change.value.length;
    if (!change.added && !change.removed) {
      for (let k = 0; k < count; k++) segments.push({ same: true, r0: r0 + k, o: o + k });
    } else {
      const last = segments[segments.length - 1];
      const open = last && !last.same ? last : undefined;
      const segment = open ?? { same: false as const, r0: [r0, r0] as [number, number], o: [o, o] as [number, number] };
      if (change.removed) segment.r0[1] += count;
      else segment.o[1] += count;
      if (!open) segments.push(segment);
    }
    if (change.removed) r0 += count;
    else if (change.added) o += count;
    else {
      r0 += count;
      o += count;
    }
  }
  return segments;
}

interface Edits {
  kept: boolean[];
  /** Lines of the edited rendering inserted before line i of the unedited one (i = length: at the end). */
  inserts: string[][];
}

function editsOf(before: string[], after: string[]): Edits {
  const kept = before.map(() => true);
  const inserts: string[][] = Array.from({ length: before.length + 1 }, () => []);
  let r0 = 0;
  for (const change of diffArrays(before, after)) {
    if (change.added) inserts[r0]?.push(...change.value);
    else if (change.removed) for (let k = 0; k < change.value.length; k++) kept[r0 + k] = false;
    if (!change.added) r0 += change.value.length;
  }
  return { kept, inserts };
}

function merge(original: string[], before: string[], edits: Edits): string {
  const out: string[] = [];
  const emitted = new Set<number>();
  const gap = (i: number) => {
    if (!emitted.has(i)) out.push(...(edits.inserts[i] ?? []));
    emitted.add(i);
  };
  for (const segment of align(before, original)) {
    if (segment.same) {
      gap(segment.r0);
      if (edits.kept[segment.r0]) out.push(original[segment.o] ?? '');
      continue;
    }
    const [a, b] = segment.r0;
    gap(a);
    const touched = edits.kept.slice(a, b).includes(false) || edits.inserts.slice(a + 1, b).some((lines) => lines.length > 0);
    if (!touched) out.push(...original.slice(...segment.o));
    else for (let i = a; i < b; i++) {
      gap(i);
      if (edits.kept[i]) out.push(before[i] ?? '');
    }
  }
  gap(before.length);
  return out.join('');
}

function sameData(a: string, b: string): boolean {
  try {
    return isDeepStrictEqual(load(a), load(b));
  } catch {
    return false;
  }
}

/**
 * `original` with the change from `before` to `after` (two renderings of the same document,
 * unedited and edited) applied line by line. Falls back to `after` if the result would not
 * read the same as `after`.
 */
export function keepLayout(original: string, before: string, after: string): string {
  const result = merge(linesOf(original), linesOf(before), editsOf(linesOf(before), linesOf(after)));
  return sameData(result, after) ? result : after;
}
