// The environment tree as `nestor envs` prints it.
import type { ConfigTree } from './config-tree.js';

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
