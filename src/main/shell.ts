// `nestor shell`: the same commands and pipelines in a terminal, without Slack or Redis. With no
// options it builds the demo world: the example config, local git repositories and the
// Kubernetes API simulator, in this process.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CliIo } from '../adapters/cli/cli-context.js';
import { startDemoWorld, type DemoWorld } from '../adapters/shell/demo-world.js';
import { tokenize } from '../core/commands/tokenize.js';
import { releaseDeps, runtimeSettings } from './release-runtime.js';

export const EXAMPLE_CONFIG = fileURLToPath(new URL('../../nestor-config', import.meta.url).href.replace('/dist/', '/'));

export type RunCommand = (argv: string[], io: CliIo) => Promise<number>;

function welcome(world: DemoWorld): string {
  const apps = world.apps.map((a) => a.name).join(', ');
  return [
    'Nestor shell: a demo world in this process (example config, local git repositories, a simulated cluster).',
    `apps: ${apps}; branches: main, feature-x, broken (an image that never starts)`,
    'try:  deploy mary feature-x dev3 · history mary dev3 · deploy mary broken dev3 · rollback mary dev3',
    '      render mary dev3 · config show mary dev3 --origin · envs · validate · help · exit',
    '',
  ].join('\n');
}

/** The io of commands typed in the shell: the demo world's config, state and cluster. */
export function worldIo(io: CliIo, world: DemoWorld): CliIo {
  const env = { ...io.env, NESTOR_CONFIG: world.configDir, NESTOR_STATE: world.stateDir, KUBECONFIG: world.kubeconfig };
  return { ...io, env, releaseDeps: (options) => releaseDeps(runtimeSettings(io.cwd, env, options)) };
}

export async function runShell(input: Readable, io: CliIo, run: RunCommand, world: DemoWorld): Promise<void> {
  io.out(welcome(world));
  const lines = createInterface({ input, terminal: false });
  const shellIo = worldIo(io, world);
  io.out('nestor> ');
  for await (const line of lines) {
    let words: string[] = [];
    try {
      words = tokenize(line.trim().replace(/^\/nestor\b/, ''));
    } catch (e) {
      io.err(`nestor: ${(e as Error).message}\n`);
    }
    if (words[0] === 'exit' || words[0] === 'quit') break;
    if (words[0] === 'shell') io.err('nestor: already in the shell\n');
    else if (words.length > 0) await run(words, shellIo);
    io.out('nestor> ');
  }
  io.out('\n');
}

export function registerShell(run: RunCommand) {
  return (program: Command, io: CliIo): void => {
    program
      .command('shell')
      .description('an interactive terminal running the same commands in a demo world: no Slack, no cluster needed')
      .action(async () => {
        const world = await startDemoWorld(EXAMPLE_CONFIG);
        try {
          await runShell(process.stdin, io, run, world);
        } finally {
          await world.close();
        }
      });
  };
}
