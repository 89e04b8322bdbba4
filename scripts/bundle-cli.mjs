// Bundles the `nestor` command line into dist/cli/ (or the folder given as argument), which
// bin/nestor.js runs: one file per command family instead of a thousand modules to resolve and
// read at every start. What `render`, `validate`, `envs` and `help` use is inlined; the packages
// of cli-bundle-options.mjs stay outside.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { englishOnly, externals } from './cli-bundle-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = process.argv[2] ?? `${root}dist/cli`;

// Chunk names carry content hashes: clear out those of earlier builds.
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { entry: 'src/main/entry.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [englishOnly],
  external: externals,
  // CommonJS packages inlined in an ES module still call require() for Node's own modules.
  banner: { js: "import { createRequire as __nestorRequire } from 'node:module'; const require = __nestorRequire(import.meta.url);" },
});
