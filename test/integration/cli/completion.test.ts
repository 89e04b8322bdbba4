// `nestor completion bash|zsh` and the `nestor __complete` it calls back, run in a real bash.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { commandTree } from '../../../src/adapters/cli/command-tree.js';
import { nestorProgram } from '../../../src/main/cli.js';
import { runComplete, TREE_VARIABLE } from '../../../src/main/complete.js';
import { runCli } from '../../support/cli-run.js';
import { EXAMPLE_CONFIG_DIR } from '../../support/config-fixtures.js';
import { cleanupFixtures, makeAppRepo, tempDir } from '../../support/git-fixtures.js';
import { nestorCommand } from '../../support/nestor-bundle.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let root: string;
let configDir: string;

beforeAll(() => {
  root = tempDir('nestor-completion-');
  configDir = join(root, 'nestor-config');
  cpSync(EXAMPLE_CONFIG_DIR, configDir, { recursive: true });
  const app = makeAppRepo(root);
  const mary = join(configDir, 'production/apps/mary.yaml');
  writeFileSync(mary, readFileSync(mary, 'utf8').replace('git@github.com:transcovo/mary.git', app.dir));
});
afterAll(() => cleanupFixtures());

const io: CliIo = {
  out: () => undefined, err: () => undefined, env: {}, cwd: ROOT, user: 'tester',
  releaseDeps: () => {
    throw new Error('completion runs no command');
  },
};

async function complete(words: string[], env: Record<string, string> = {}): Promise<string[]> {
  let out = '';
  const code = await runComplete(words, { out: (s) => void (out += s), env: { NESTOR_CONFIG: configDir, ...env }, cwd: ROOT }, async () => commandTree(nestorProgram(io)));
  expect(code).toBe(0);
  return out.split('\n').filter(Boolean);
}

async function script(shell: string): Promise<string> {
  const run = await runCli(['completion', shell], { cwd: ROOT });
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return run.stdout;
}

describe('nestor __complete', () => {
  it('prints the candidates for the last word, from the program and the config', async () => {
    expect(await complete(['de'])).toEqual(['deploy']);
    expect(await complete(['deploy', ''])).toEqual(['gandalf', 'mary', 'pricing']);
    expect(await complete(['deploy', 'mary', ''])).toEqual(expect.arrayContaining(['main', 'feature-x']));
    expect(await complete(['deploy', 'mary', 'main', 'dev'])).toEqual(['dev1', 'dev2', 'dev3']);
    expect(await complete(['deploy', 'mary', 'main', 'dev3', '--f'])).toEqual(['--force-conflicts']);
    expect(await complete(['comp'])).toEqual(['completion']);
    expect(await complete([''])).not.toContain('__complete');
  });

  it('reads the config named by --config among the words, and gives nothing for a folder that is not one', async () => {
    expect(await complete(['--config', configDir, 'status', 'pri'], { NESTOR_CONFIG: '/nowhere' })).toEqual(['pricing']);
    expect(await complete(['status', ''], { NESTOR_CONFIG: '/nowhere' })).toEqual([]);
  });

  it('reads a shared config repository from its clone in the state folder, without fetching', async () => {
    const state = join(root, 'state');
    cpSync(configDir, join(state, 'config-work'), { recursive: true });
    const remote = { NESTOR_CONFIG: 'git@github.com:acme/nestor-config.git' };
    expect(await complete(['--state', state, 'deploy', 'ga'], remote)).toEqual(['gandalf']);
    expect(await complete(['deploy', 'ga'], { ...remote, NESTOR_STATE: state })).toEqual(['gandalf']);
    expect(await complete(['deploy', 'ga'], { ...remote, NESTOR_STATE: join(root, 'no-state') })).toEqual([]);
  });

  it('answers the same from the tree a completion script carries as from the program', async () => {
    const tree = /^_nestor_tree='(.*)'$/m.exec(await script('bash'))?.[1];
    expect(tree).toBeDefined();
    for (const words of [[''], ['config', ''], ['deploy', 'mary', 'main', 'd'], ['history', 'mary', 'dev3', '--']]) {
      expect(await complete(words, { [TREE_VARIABLE]: tree! })).toEqual(await complete(words));
    }
  });
});

describe('nestor completion', () => {
  it('prints a bash script that bash accepts and that completes commands, apps, branches and environments', async () => {
    const file = join(root, 'nestor.bash');
    writeFileSync(file, await script('bash'));
    expect(spawnSync('bash', ['-n', file], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
    // `nestor` on the PATH runs this run's bundle of the sources, as bin/nestor.js runs dist/cli.
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    const [node, nestorArgs] = nestorCommand([]);
    writeFileSync(join(bin, 'nestor'), `#!/bin/sh\nexec "${node}" ${nestorArgs.map((a) => `"${a}"`).join(' ')} "$@"\n`);
    chmodSync(join(bin, 'nestor'), 0o755);
    const tab = (...words: string[]) => `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _nestor_complete; echo "[$\{COMPREPLY[*]}]"`;
    const bash = spawnSync('bash', ['-c', [`source ${file}`, 'complete -p nestor', tab('nestor', 'ro'), tab('nestor', 'deploy', 'mary', 'f'), tab('nestor', 'deploy', 'mary', 'main', 'dev')].join('\n')], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, NESTOR_CONFIG: configDir },
    });
    expect(bash.stderr).toBe('');
    expect(bash.stdout.split('\n')).toEqual(['complete -o default -F _nestor_complete nestor', '[rollback]', '[feature-x]', '[dev1 dev2 dev3]', '']);
  }, 120_000);

  it('prints a zsh script that registers its function with compdef', async () => {
    const text = await script('zsh');
    expect(text.startsWith('#compdef nestor\n')).toBe(true);
    expect(text).toContain('compdef _nestor nestor');
    expect(text).toMatch(/^_nestor_tree='\{"name":"nestor",/m);
  });

  it('refuses another shell, naming the ones it knows', async () => {
    const run = await runCli(['completion', 'fish'], { cwd: ROOT });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh.");
  });
});
