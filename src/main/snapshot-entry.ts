// The script of the CLI's V8 startup snapshot (scripts/build-snapshot.mjs bundles it as one
// CommonJS file and runs `node --build-snapshot` on it; bin/nestor runs the blob when it was built
// by the same node binary in the same place). What every command and the config, render and envs
// paths load is evaluated here, at build time, so a start deserializes it instead of reading,
// compiling and running 2.5 MB of JavaScript. Nothing here may read the environment, the
// arguments or the working directory, nor leave a handle open: the process runs main() at start.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startupSnapshot } from 'node:v8';
import type { ProcessCli } from './cli.js';
import { run } from './entry.js';

declare global {
  /** The packages the bundle leaves outside (see scripts/build-snapshot.mjs), required at run time. */
  var __nestorRequire: NodeJS.Require | undefined;
}

/** The module the bundle stands for (dist/cli/entry.js): packages are resolved from there. */
declare const __nestorMetaUrl: string;
/** The bundle's own require: luxon as cron-parser requires it (an `import` would be its ESM copy). */
declare const require: (id: 'luxon') => { Settings: { resetCaches(): void; defaultLocale: string } };

/** The process's program, made here: a start parses its arguments with it instead of building it (8 ms). */
let made: ProcessCli | undefined;

// The lazy parts of the commands that need no release runtime: imported now, they are in the heap.
const warm = Promise.all([
  import('./cli.js'),
  import('../core/render/index.js'),
  import('../adapters/fs/config-folder.js'),
  import('../adapters/fs/templates.js'),
  import('../adapters/cli/json-output.js'),
  import('../core/config/environment-tree.js'),
  import('../core/config/cron.js'),
  import('../core/config/index.js'),
  import('../core/render/validate-object.js').then(({ loadModels }) => loadModels()),
]).then(async ([cli, render, configFolder, { loadTemplateSet }, { renderJson, jsonText }, { showEnvironmentTree }, { clearCronChecks }]) => {
  await runOnce(async (dir) => {
    const [tree, files, templates] = await Promise.all([configFolder.loadConfigFolder(dir), configFolder.readConfigFolder(dir), loadTemplateSet(dir)]);
    showEnvironmentTree(tree);
    render.validateAll(files, templates, {});
    for (const [env, node] of tree.environments) {
      for (const app of node.apps.keys()) {
        const { clusters } = render.renderConfiguredApp({ tree, templates, app, env, environment: {}, version: { sha: '0000000' } });
        for (const cluster of clusters) render.toYaml(cluster.objects);
        jsonText(renderJson(clusters));
      }
    }
  });
  clearCronChecks();
  render.forgetWrittenScalars();
  const { Settings } = require('luxon');
  Settings.resetCaches();
  // Else the first cron check of each start asks Intl for the machine's locale, ~30 ms of ICU's
  // set-up; Nestor formats no date through luxon (cron-parser only computes times with it).
  Settings.defaultLocale = 'en-US';
  made = cli.processCli();
});

/**
 * The functions run while the snapshot is built keep their bytecode in it, so a start compiles
 * only what this did not run: the config, envs and render paths run once on the example config
 * beside the package, when it is there. What that leaves behind goes after: luxon's caches
 * (cron-parser asks it for the machine's locale), the cron check's and the YAML writer's (values
 * of the example config: a start must not find them done).
 */
async function runOnce(paths: (exampleConfig: string) => Promise<void>): Promise<void> {
  const dir = fileURLToPath(new URL('../../nestor-config', __nestorMetaUrl));
  if (existsSync(dir)) await paths(dir);
}

startupSnapshot.setDeserializeMainFunction(() => {
  globalThis.__nestorRequire = createRequire(__nestorMetaUrl);
  // bin/nestor runs `node --snapshot-blob <blob> -- <arguments>`: argv is [node, ...arguments].
  void run(process.argv.slice(1), made).then((code) => {
    process.exitCode = code;
  });
});

void warm;
