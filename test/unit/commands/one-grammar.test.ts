// The chat grammar (parse-command, help) and the CLI's commander program describe the verbs they
// share twice; completion and the shell read both. They must name the same things in the same
// places: an app, an environment or a ref moved in one and not the other fails here.
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { commandTree } from '../../../src/adapters/cli/command-tree.js';
import { buildProgram } from '../../../src/adapters/cli/program.js';
import { argumentKind, chatTree, type CommandNode } from '../../../src/core/commands/command-tree.js';

const io: CliIo = {
  out: () => undefined, err: () => undefined, env: {}, cwd: '/', user: 'tester',
  releaseDeps: () => {
    throw new Error('no command runs here');
  },
};

/** Every command path of a tree (`config set`), with its node. */
function paths(node: CommandNode, prefix = ''): [string, CommandNode][] {
  return node.subcommands.flatMap((sub) => {
    const path = `${prefix}${sub.name}`;
    return [[path, sub] as [string, CommandNode], ...paths(sub, `${path} `)];
  });
}

/** Where the names completion knows sit, `?` after an optional one: `app env? ref`, or `-` for anything else. */
const places = (node: CommandNode): string =>
  node.args.map((a) => (argumentKind(a.name) === 'other' ? '-' : `${argumentKind(a.name)}${a.required ? '' : '?'}`)).join(' ');

describe('one grammar', () => {
  const cli = new Map(paths(commandTree(buildProgram(io))));
  const shared = paths(chatTree()).filter(([path]) => cli.has(path));

  it('the CLI has every chat verb but datastore (not available yet)', () => {
    expect(paths(chatTree()).map(([path]) => path).filter((path) => !cli.has(path))).toEqual(['datastore', 'datastore snapshot', 'datastore reset']);
  });

  it.each(shared.map(([path, node]) => [path, node]))('%s: apps, environments and refs in the same places, optional in both or neither', (path, node) => {
    expect(places(cli.get(path as string)!)).toBe(places(node as CommandNode));
  });

  it('history and status take an optional environment in both (all environments when omitted)', () => {
    for (const verb of ['history', 'status']) expect(places(cli.get(verb)!)).toBe('app env?');
  });
});
