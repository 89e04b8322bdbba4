// The `nestor` command line as tests run it as a process: the CLI bundle (scripts/bundle-cli.mjs,
// what bin/nestor.js runs), built once per test run by the global setup. The sources through tsx
// resolve and load a thousand modules at every start: about 2.5 s of CPU against 0.4 s for
// the bundle, and the process tests start dozens of them.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The bundle's entry.js, built for this run (see buildNestorBundle). */
    nestorBundle: string;
  }
}

const REPO = join(import.meta.dirname, '../..');
const CHILD = join(import.meta.dirname, 'nestor-bundle-child.mjs');

export interface NestorBundle {
  /** The bundle's entry.js. */
  entry: string;
  remove(): void;
}

/** Bundles the sources as they are now, in the checkout (where the built-in templates are found from the bundle, as from dist/cli). */
export function buildNestorBundle(): NestorBundle {
  const dir = join(REPO, 'dist', `test-cli-${String(process.pid)}`);
  const built = spawnSync(process.execPath, ['scripts/bundle-cli.mjs', dir], { cwd: REPO, encoding: 'utf8' });
  if (built.status !== 0 || built.stderr !== '') throw new Error(`the CLI bundle for the tests failed to build (exit ${String(built.status)}): ${built.stderr}`);
  return { entry: join(dir, 'entry.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The folder of this run's bundle (entry.js and its chunks). */
export function nestorBundleDir(): string {
  return dirname(inject('nestorBundle'));
}

/** The command and arguments that run `nestor <argv>` from this run's bundle. */
export function nestorCommand(argv: readonly string[]): [string, string[]] {
  return [process.execPath, [CHILD, inject('nestorBundle'), ...argv]];
}
