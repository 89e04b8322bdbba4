// Bundles the `nestor` command line into dist/cli/ (or the folder given as argument), which
// bin/nestor.js runs: one file per command family instead of a thousand modules to resolve and
// read at every start. What `render`, `validate`, `envs` and `help` use is inlined; the process
// and release runtime (Slack, BullMQ, Redis, pino, git, the Kubernetes client, Fastify) stay packages,
// imported from node_modules only by the commands that use them (pino's worker threads and
// BullMQ's optional native code could not be bundled anyway), and so does re2-wasm (the pattern engine
// of the prometheus-operator models), which reads its .wasm file beside its own module. The AWS SDK
// (S3 snapshot stores) stays a package too, imported only once a config names an s3:// location.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = process.argv[2] ?? `${root}dist/cli`;

/** `ajv-i18n` itself (not its subpaths) is the shim that holds its English messages only. */
const englishOnly = {
  name: 'ajv-i18n-english',
  setup(b) {
    b.onResolve({ filter: /^ajv-i18n$/ }, () => ({ path: fileURLToPath(new URL('bundle-shims/ajv-i18n-en.mjs', import.meta.url)) }));
  },
};

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
  external: ['@kubernetes/client-node', '@slack/*', 'bullmq', 'ioredis', 'pino', 'pino-*', 'simple-git', 'octokit', '@octokit/*', 'fastify', '@fastify/*', 're2-wasm', '@bull-board/*', '@aws-sdk/*'],
  // CommonJS packages inlined in an ES module still call require() for Node's own modules.
  banner: { js: "import { createRequire as __nestorRequire } from 'node:module'; const require = __nestorRequire(import.meta.url);" },
});
