// An environment's project.yaml files merged down its ancestry, root first. Loading a tree checks
// schedules, syncs, datastores and alert routing of every environment, each from this merge, and
// commands read it again: it is made once per tree and environment, and frozen, being shared.
import { ancestry, type ConfigTree } from './config-tree.js';
import { deepFreeze } from './deep-freeze.js';
import { mergeLayers } from './merge.js';
import type { ProjectFileConfig } from './schema.js';

const byTree = new WeakMap<ConfigTree, Map<string, ProjectFileConfig>>();

export function mergedProject(tree: ConfigTree, env: string): ProjectFileConfig {
  let merged = byTree.get(tree);
  if (!merged) byTree.set(tree, (merged = new Map()));
  let project = merged.get(env);
  if (!project) {
    project = deepFreeze(mergeLayers(ancestry(tree, env).map((node) => node.project))) as ProjectFileConfig;
    merged.set(env, project);
  }
  return project;
}
