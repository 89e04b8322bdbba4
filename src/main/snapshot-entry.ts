// The script of the CLI's V8 startup snapshot (scripts/build-snapshot.mjs bundles it as one
// CommonJS file and runs `node --build-snapshot` on it; bin/nestor runs the blob when it was built
// by the same node binary in the same place). What every command and the config, render and envs
// paths load is evaluated here, at build time, so a start deserializes it instead of reading,
// compiling and running 2.5 MB of JavaScript. Nothing here may read the environment, the
// arguments or the working directory, nor leave a handle open: the process runs main() at start.
import { createRequire } from 'node:module';
import { startupSnapshot } from 'node:v8';
import { run } from './entry.js';

declare global {
  /** The packages the bundle leaves outside (see scripts/build-snapshot.mjs), required at run time. */
  var __nestorRequire: NodeJS.Require | undefined;
}

/** The module the bundle stands for (dist/cli/entry.js): packages are resolved from there. */
declare const __nestorMetaUrl: string;

// The lazy parts of the commands that need no release runtime: imported now, they are in the heap.
const warm = Promise.all([
  import('./cli.js'),
  import('../core/render/index.js'),
  import('../adapters/fs/config-folder.js'),
  import('../adapters/fs/templates.js'),
  import('../adapters/cli/json-output.js'),
  import('../core/config/environment-tree.js'),
  import('../core/config/index.js'),
  import('../core/render/validate-object.js').then(({ loadModels }) => loadModels()),
]);

startupSnapshot.setDeserializeMainFunction(() => {
  globalThis.__nestorRequire = createRequire(__nestorMetaUrl);
  // bin/nestor runs `node --snapshot-blob <blob> -- <arguments>`: argv is [node, ...arguments].
  void run(process.argv.slice(1)).then((code) => {
    process.exitCode = code;
  });
});

void warm;
