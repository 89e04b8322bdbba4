// Slack and the CLI share one grammar table: the CLI's commands for the chat verbs are made from
// it, and their actions read the words back through the chat parser. Completion and the shell
// read both trees; here they must agree word for word.
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { commandTree } from '../../../src/adapters/cli/command-tree.js';
import { buildProgram } from '../../../src/adapters/cli/program.js';
import { chatTree, type CommandNode } from '../../../src/core/commands/command-tree.js';
import { GRAMMAR } from '../../../src/core/commands/grammar.js';
import { COMMAND_BUILDERS } from '../../../src/core/commands/verb-parsers.js';
import { main } from '../../../src/main/cli.js';

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

const leaves = (node: CommandNode): string[] => paths(node).filter(([, n]) => n.subcommands.length === 0).map(([p]) => p);

describe('one grammar', () => {
  const cli = new Map(paths(commandTree(buildProgram(io))));
  const chat = paths(chatTree());

  it('every leaf of the table has a builder, and every builder a leaf', () => {
    expect(leaves(chatTree()).sort()).toEqual(Object.keys(COMMAND_BUILDERS).sort());
  });

  it('the CLI has every chat command', () => {
    expect(chat.map(([path]) => path).filter((path) => !cli.has(path))).toEqual([]);
  });

  it.each(chat.filter(([path]) => cli.has(path)))('%s: the same arguments, and the chat options among the CLI options', (path, node) => {
    const mine = cli.get(path)!;
    expect(mine.args).toEqual(node.args);
    expect(mine.options).toEqual(expect.arrayContaining(node.options));
  });

  it('the CLI describes each shared command with the summary of the table', () => {
    const program = buildProgram(io);
    for (const verb of ['deploy', 'rollback', 'scale', 'status', 'history', 'envs', 'schedules', 'report'] as const) {
      expect(program.commands.find((c) => c.name() === verb)?.description()).toBe(GRAMMAR[verb].summary);
    }
  });
});

describe('the CLI checks its words with the chat parser', () => {
  it.each([
    [['deploy', 'Mary', 'main', 'dev3'], 'invalid app name "Mary"'],
    [['rollback', 'mary', 'dev3', 'HEAD~1'], 'invalid history commit "HEAD~1"'],
    [['scale', 'mary', 'dev3', 'web=3', 'web=4'], 'web is scaled twice'],
    [['config', 'unset', 'mary', 'dev3', 'A=1'], 'config unset takes variable names, not KEY=VALUE (argument 3)'],
    [['config', 'get', 'mary', 'dev3', 'A', 'A'], 'A is given twice'],
  ])('nestor %j: exit 2, one line, nothing runs', async (args, message) => {
    let err = '';
    const code = await main(args, { ...io, err: (s) => void (err += s), releaseDeps: () => expect.fail('nothing may run') });
    expect(code).toBe(2);
    expect(err).toContain(message);
  });
});
