// Where a key path sits in a YAML text. Only called when something must be reported, so the
// slower position-aware `yaml` parser stays out of the hot path (js-yaml parses for merging),
// and out of the process until then: it is required on first use (loading it cost every CLI
// start about a tenth of its time).
import { createRequire } from 'node:module';
import type { LineCounter, Node, parseDocument } from 'yaml';

type Yaml = typeof import('yaml');
let loaded: Yaml | undefined;
const yaml = (): Yaml => (loaded ??= createRequire(import.meta.url)('yaml') as Yaml);

export interface Position {
  line: number;
  col: number;
}

interface Located {
  doc: ReturnType<typeof parseDocument>;
  lines: LineCounter;
}

const cache = new WeakMap<object, Located>();

function locate(owner: object, text: string): Located {
  let found = cache.get(owner);
  if (!found) {
    const { LineCounter, parseDocument } = yaml();
    const lines = new LineCounter();
    found = { doc: parseDocument(text, { lineCounter: lines, uniqueKeys: false }), lines };
    cache.set(owner, found);
  }
  return found;
}

function at(lines: LineCounter, offset: number): Position {
  const { line, col } = lines.linePos(offset);
  return { line, col };
}

/**
 * Position of `path` inside `text`: of the key itself when `onKey`, else of its value. Falls back
 * to the deepest ancestor that exists, then to 1:1.
 * `owner` is any object that lives as long as `text` (used as a cache key).
 */
export function positionOf(owner: object, text: string, path: readonly (string | number)[], onKey = false): Position {
  if (text.length > LARGE_TEXT) return scanPosition(text, path);
  const { doc, lines } = locate(owner, text);
  const { isMap, isScalar, isSeq } = yaml();
  let node: Node | null | undefined = doc.contents as Node | null;
  let best: Position = node?.range ? at(lines, node.range[0]) : { line: 1, col: 1 };
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return best;
      const keyNode = pair.key as Node;
      if (keyNode.range) best = at(lines, keyNode.range[0]);
      if (last && onKey) return best;
      node = pair.value as Node | null;
      if (node?.range && !(last && onKey)) best = last ? at(lines, node.range[0]) : best;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) return best;
      node = item;
      if (item.range) best = at(lines, item.range[0]);
    } else {
      return best;
    }
  }
  return best;
}

/** Above this, the `yaml` parser takes seconds to minutes (37 s for 50 MB): a line scan is used instead. */
const LARGE_TEXT = 1024 * 1024;

/**
 * Best effort for very large files: follows block-style keys (`key:` on its own line, deeper
 * keys indented more) and gives the line and column of the deepest key found.
 */
function scanPosition(text: string, path: readonly (string | number)[]): Position {
  let from = 0;
  let parentIndent = -1;
  let found = -1;
  for (const segment of path) {
    const escaped = String(segment).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const key = new RegExp(`^( *)(["']?)${escaped}\\2 *:`, 'gm');
    key.lastIndex = from;
    let match: RegExpExecArray | null;
    while ((match = key.exec(text)) !== null && (match[1] ?? '').length <= parentIndent);
    if (match === null) break;
    parentIndent = (match[1] ?? '').length;
    found = match.index + parentIndent;
    from = key.lastIndex;
  }
  if (found < 0) return { line: 1, col: 1 };
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < found; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: found - lineStart + 1 };
}
