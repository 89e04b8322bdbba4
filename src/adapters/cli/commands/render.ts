// Every command file loads what its action needs when it runs, so that `nestor --help`, a typo
// and the other commands never pay for it.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { configFolder, type CliIo } from '../cli-context.js';

interface RenderOptions {
  version?: string;
  procfile?: string;
  cronfile?: string;
  json?: boolean;
}

export function registerRender(program: Command, io: CliIo): void {
  program
    .command('render')
    .description('print the Kubernetes manifests of an app in an environment (multi-document YAML)')
    .argument('<app>')
    .argument('<env>')
    .option('--version <sha>', 'commit sha: image tag and release of the render', '0000000')
    .option('--procfile <file>', 'process types from this Procfile instead of the config')
    .option('--cronfile <file>', 'scheduled jobs from this Cronfile instead of the config')
    .option('--json', 'print a JSON list of the objects instead: [{cluster, context, apiVersion, kind, namespace, name}]')
    .action(async (app: string, env: string, options: RenderOptions, command: Command) => {
      const [{ renderConfiguredApp, toYaml }, { loadConfigFolder }, { loadTemplateSet }, { jsonText, renderJson }] = await Promise.all([
        import('../../../core/render/index.js'), import('../../fs/config-folder.js'), import('../../fs/templates.js'), import('../json-output.js'),
      ]);
      const dir = await configFolder(io, command);
      const [tree, templates] = await Promise.all([loadConfigFolder(dir), loadTemplateSet(dir)]);
      const read = (file?: string) => (file === undefined ? undefined : readFile(file, 'utf8'));
      const [procfile, cronfile] = await Promise.all([read(options.procfile), read(options.cronfile)]);
      const { clusters } = renderConfiguredApp({
        tree, templates, app, env, environment: io.env,
        version: { sha: options.version ?? '0000000' },
        ...(procfile === undefined ? {} : { procfile }),
        ...(cronfile === undefined ? {} : { cronfile }),
      });
      if (options.json) return io.out(jsonText(renderJson(clusters)));
      const several = clusters.length > 1;
      for (const cluster of clusters) {
        if (several) io.out(`# cluster ${cluster.cluster} (context ${cluster.context})\n`);
        io.out(toYaml(cluster.objects));
      }
    });
}
