// Nestor's own path, as `nestor validate` and a deploy take it: load the tree (parse and
// JSON-schema validate every file), then merge, check, render, schema-validate and print
// every app in every environment.
import { appsOf, loadConfigTree, type ConfigTree } from '../../src/core/config/index.js';
import { renderConfiguredApp, toYaml, type KubeObject, type TemplateSet } from '../../src/core/render/index.js';
import type { GeneratedConfig } from '../generate-config.js';
import { timed } from '../lib/measure.js';

export interface NestorRun {
  loadMs: number;
  renderMs: number;
  totalMs: number;
  appEnvs: number;
  objects: number;
  yamlBytes: number;
}

const VERSION = { sha: '3f9c2d17e4b5a6c8d9e0f1a2b3c4d5e6f7a8b9c0', ref: 'main' };

export function renderOne(tree: ConfigTree, templates: TemplateSet, config: GeneratedConfig, app: string, env: string): KubeObject[] {
  const { clusters } = renderConfiguredApp({
    tree, templates, app, env, version: VERSION, environment: config.processEnv, secretValues: config.secretValues,
  });
  return clusters.flatMap((c) => c.objects);
}

export function runNestor(config: GeneratedConfig, templates: TemplateSet): NestorRun {
  const load = timed(() => loadConfigTree(config.files));
  const tree = load.value;
  const render = timed(() => {
    let appEnvs = 0;
    let objects = 0;
    let yamlBytes = 0;
    for (const env of tree.environments.keys()) {
      for (const app of appsOf(tree, env)) {
        const rendered = renderOne(tree, templates, config, app, env);
        appEnvs++;
        objects += rendered.length;
        yamlBytes += toYaml(rendered).length;
      }
    }
    return { appEnvs, objects, yamlBytes };
  });
  return { loadMs: load.ms, renderMs: render.ms, totalMs: load.ms + render.ms, ...render.value };
}
