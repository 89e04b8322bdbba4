import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { commandTree } from '../../../src/adapters/cli/command-tree.js';
import { configCompletionValues } from '../../../src/adapters/cli/completion-values.js';
import { buildProgram } from '../../../src/adapters/cli/program.js';
import { chatTree, mergeTrees, type CommandNode } from '../../../src/core/commands/command-tree.js';
import { completeWords, type CompletionValues } from '../../../src/core/commands/complete-words.js';
import { EXAMPLE_CONFIG_DIR } from '../../support/config-fixtures.js';
import { cleanupFixtures, makeAppRepo, tempDir } from '../../support/git-fixtures.js';

afterAll(() => cleanupFixtures());

const io: CliIo = {
  out: () => undefined, err: () => undefined, env: {}, cwd: '/', user: 'tester',
  releaseDeps: () => {
    throw new Error('completion never builds release dependencies');
  },
};
const cli = commandTree(buildProgram(io));
const values: CompletionValues = {
  apps: async () => ['mary', 'pricing', 'gandalf'],
  envs: async () => ['production', 'staging', 'dev1', 'dev3'],
  refs: async (app) => (app === 'mary' ? ['main', 'feature-x', 'v1.0.0'] : []),
};
const complete = (line: string, tree = cli) => {
  const words = line.split(' ');
  const current = words.pop() ?? '';
  return completeWords(tree, words.filter(Boolean), current, values);
};

describe('completion over the commander program', () => {
  it('completes commands, subcommands and options', async () => {
    expect(await complete('de')).toEqual(['deploy']);
    expect(await complete('')).toEqual(expect.arrayContaining(['deploy', 'render', 'validate', 'config', 'diff', 'help']));
    expect(await complete('config s')).toEqual(['set', 'show']);
    expect(await complete('deploy mary main dev3 --d')).toEqual(['--debug', '--dry-run']);
    expect(await complete('config set mary dev3 A=1 --s')).toEqual(['--secret', '--state']);
  });

  it('completes apps, environments and the branches of the app typed before', async () => {
    expect(await complete('deploy ')).toEqual(['gandalf', 'mary', 'pricing']);
    expect(await complete('deploy mary ')).toEqual(['feature-x', 'main', 'v1.0.0']);
    expect(await complete('deploy mary main d')).toEqual(['dev1', 'dev3']);
    expect(await complete('deploy mary main dev3 ')).toEqual([]);
    expect(await complete('rollback pricing st')).toEqual(['staging']);
    expect(await complete('--config /x render m')).toEqual(['mary']);
    expect(await complete('help ren')).toEqual(['render']);
  });

  it('offers nothing for the value of an option, nor after the last argument', async () => {
    expect(await complete('history mary dev3 --limit ')).toEqual([]);
    expect(await complete('envs ')).toEqual([]);
  });

  it('gives no candidates, not an error, when a value cannot be read', async () => {
    const failing: CompletionValues = { ...values, apps: () => Promise.reject(new Error('unreadable')) };
    expect(await completeWords(cli, ['deploy'], '', failing)).toEqual([]);
  });
});

describe('the chat grammar as a tree, from its table', () => {
  const verb = (name: string): CommandNode => chatTree().subcommands.find((s) => s.name === name)!;

  it('has actions, arguments, variadic arguments and flags', () => {
    expect(verb('deploy').args.map((a) => a.name)).toEqual(['app', 'ref', 'env']);
    const config = verb('config');
    expect(config.subcommands.map((s) => s.name)).toEqual(['get', 'set', 'unset']);
    expect(config.subcommands[1]?.options).toEqual([{ flag: '--secret', takesValue: false }]);
    expect(verb('scale').args.at(-1)).toMatchObject({ variadic: true });
    expect(verb('rollback').args[2]).toMatchObject({ name: 'history-commit', required: false });
  });

  it('merged with the CLI: chat-only verbs join, shared ones keep both sets of words', async () => {
    const tree = mergeTrees(cli, chatTree());
    expect(await complete('da', tree)).toEqual(['datastore']);
    expect(await complete('datastore ', tree)).toEqual(['help', 'list', 'reset', 'snapshot']);
    expect(await complete('datastore reset d', tree)).toEqual(['dev1', 'dev3']);
    expect(await complete('config ', tree)).toEqual(['get', 'help', 'set', 'show', 'unset']);
  });
});

describe('completion values read from a nestor-config folder', () => {
  it('lists apps, environments, and the branches and tags of a local origin', async () => {
    const root = tempDir('nestor-complete-');
    const configDir = join(root, 'nestor-config');
    cpSync(EXAMPLE_CONFIG_DIR, configDir, { recursive: true });
    const app = makeAppRepo(root);
    const mary = join(configDir, 'production/apps/mary.yaml');
    writeFileSync(mary, readFileSync(mary, 'utf8').replace('git@github.com:transcovo/mary.git', app.dir));
    const read = configCompletionValues(configDir);
    expect((await read.apps()).sort()).toEqual(['gandalf', 'mary', 'pricing']);
    expect((await read.envs()).sort()).toEqual(['dev1', 'dev2', 'dev3', 'production', 'shadow', 'staging']);
    expect(await read.refs('mary')).toEqual(expect.arrayContaining(['main', 'feature-x']));
    // A remote origin is never fetched for a Tab.
    expect(await read.refs('pricing')).toEqual([]);
    expect(await configCompletionValues(join(root, 'missing')).apps()).toEqual([]);
  });
});
