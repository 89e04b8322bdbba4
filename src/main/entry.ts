// What `bin/nestor.js` runs: `nestor __complete` (a Tab in bash or zsh) without loading the
// CLI program and its dependencies, every other command through the CLI.
import { COMPLETE_COMMAND } from './complete.js';
import type { ProcessCli } from './cli.js';

/** `made`: the process's CLI made ahead (by the startup snapshot), else made here. */
export async function run(argv: readonly string[], made?: ProcessCli): Promise<number> {
  if (argv[0] === COMPLETE_COMMAND) {
    const { runComplete } = await import('./complete.js');
    const io = { out: (s: string) => void process.stdout.write(s), env: process.env, cwd: process.cwd() };
    return runComplete(argv.slice(1), io, async () => {
      const [{ nestorProgram }, { commandTree }] = await Promise.all([import('./cli.js'), import('../adapters/cli/command-tree.js')]);
      return commandTree(nestorProgram({ ...io, err: () => undefined, user: '', releaseDeps: () => { throw new Error('completion runs no command'); } }));
    });
  }
  const cli = await import('./cli.js');
  return made ? cli.runProcessCli(made, argv) : cli.main(argv);
}
