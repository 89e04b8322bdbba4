// The human view of an app's config: the merged result, optionally with the origin of every
// value (the environment tree is in environment-tree.ts, which needs no YAML writer).
import { Document, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import { originsOf, type AppConfig } from './app-config.js';
import { pathKey, type Origins } from './merge.js';
import { positionOf } from './positions.js';

function annotate(doc: Document, origins: Origins): void {
  visit(doc, {
    Pair(_key, pair, path) {
      if (!isScalar(pair.key) || !(isScalar(pair.value) || isSeq(pair.value))) return;
      const keys = [...path, pair]
        .filter((n) => isPair(n))
        .map((n) => String((n as { key: { value: unknown } }).key.value));
      const file = origins.get(pathKey(keys));
      if (!file) return;
      const { line } = positionOf(file, file.file.text, keys);
      if (isSeq(pair.value) && pair.value.items.every((item) => isScalar(item))) pair.value.flow = true;
      pair.value.comment = ` ${file.file.path}:${line}`;
    },
  });
}

/** The merged config as YAML; with `withOrigins`, each value is followed by `# file:line`. */
export function showConfig(config: AppConfig, withOrigins = false): string {
  const doc = new Document(config.config);
  if (withOrigins && isMap(doc.contents)) annotate(doc, originsOf(config));
  return doc.toString({ lineWidth: 0 });
}
