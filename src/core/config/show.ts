// Human views of a config: the merged result (optionally with the origin of every value) and
// the environment tree.
import { Document, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import { originsOf, type AppConfig } from './app-config.js';
import { pathKey, type Origins } from './merge.js';
import type { ConfigTree } from './config-tree.js';
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

/** Environments as a tree under their parents, roots first, children by name. */
export function showEnvironmentTree(tree: ConfigTree): string {
  const children = new Map<string | undefined, string[]>();
  for (const node of tree.environments.values()) {
    const list = children.get(node.parent) ?? [];
    list.push(node.name);
    children.set(node.parent, list);
  }
  const lines: string[] = [];
  const draw = (name: string, prefix: string, last: boolean, root: boolean) => {
    const node = tree.environments.get(name)!;
    const apps = node.apps.size ? `  (${node.apps.size} app file${node.apps.size > 1 ? 's' : ''})` : '';
    lines.push(root ? `${name}${apps}` : `${prefix}${last ? '└── ' : '├── '}${name}${apps}`);
    const kids = (children.get(name) ?? []).sort();
    const next = root ? '' : `${prefix}${last ? '    ' : '│   '}`;
    kids.forEach((kid, i) => draw(kid, next, i === kids.length - 1, false));
  };
  for (const root of (children.get(undefined) ?? []).sort()) draw(root, '', true, true);
  return `${lines.join('\n')}\n`;
}
