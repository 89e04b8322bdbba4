// Which wins between an environment's cluster settings and an app's own, for scales, resources
// and nodeSelector: the closer environment. dev3's `deployments.kubernetes[].scales.default`
// caps every app in dev3 even though production/apps/mary.yaml sets mary's scale, while
// production/apps/mary.yaml overrides production's cluster defaults, and dev3/apps/mary.yaml
// overrides dev3's. Renderers then apply: cluster `default` < cluster[process] < app[process].
import { isPlainObject, type ParsedFile } from './config-file.js';
import type { AppConfig } from './app-config.js';
import { mergeLayers } from './merge.js';
import type { ClusterDeploymentConfig, MergedConfig } from './schema.js';

const PER_PROCESS_KEYS = ['scales', 'resources', 'nodeSelector'] as const;
type PerProcessKey = (typeof PER_PROCESS_KEYS)[number];
type PerProcessMap = Record<string, Record<string, unknown>>;

/** What a layer's path says: its environment (first folder), project file or app file. */
interface LayerKind {
  env: string;
  project: boolean;
  app: boolean;
}

const PROJECT_FILE = /\/project\.ya?ml$/;
const MAX_KINDS = 4096;
/** By path: the same files come back for every app-environment of a tree. */
const kinds = new Map<string, LayerKind>();

function kindOf(layer: ParsedFile): LayerKind {
  const path = layer.file.path;
  let kind = kinds.get(path);
  if (kind === undefined) {
    const slash = path.indexOf('/');
    kind = { env: slash === -1 ? path : path.slice(0, slash), project: PROJECT_FILE.test(path), app: path.includes('/apps/') };
    if (kinds.size >= MAX_KINDS) kinds.clear();
    kinds.set(path, kind);
  }
  return kind;
}

/** One key of a layer, as a layer of its own (mergeLayers reads only `data`). */
function only(layer: ParsedFile, key: string): ParsedFile {
  return { file: layer.file, data: { [key]: layer.data[key] } };
}

function pick(layers: ParsedFile[], key: PerProcessKey): PerProcessMap | undefined {
  const parts = layers.filter((l) => l.data[key] !== undefined).map((l) => only(l, key));
  if (parts.length === 0) return undefined;
  return mergeLayers(parts)[key] as PerProcessMap | undefined;
}

const NO_FILE = { path: '', text: '' };
const valueLayer = (data: unknown): ParsedFile => ({ file: NO_FILE, data: { v: data ?? {} } });

function foldInto(cluster: ClusterDeploymentConfig, key: PerProcessKey, inherited: PerProcessMap): ClusterDeploymentConfig {
  const own = (cluster[key] ?? {}) as PerProcessMap;
  const folded: PerProcessMap = Object.assign({}, own);
  for (const [process, value] of Object.entries(inherited)) {
    if (process === 'default' || !isPlainObject(value)) continue;
    folded[process] = mergeLayers([valueLayer(value), valueLayer(own.default), valueLayer(own[process])]).v as Record<string, unknown>;
  }
  return Object.assign({}, cluster, { [key]: folded });
}

/** The depth of the deepest environment whose files define `deployments.kubernetes` (0: the root). */
function definingDepth(layers: readonly ParsedFile[], depthOf: (l: ParsedFile) => number): number {
  let depth = 0;
  for (const l of layers) {
    if (isPlainObject(l.data.deployments) && l.data.deployments.kubernetes !== undefined) depth = Math.max(depth, depthOf(l));
  }
  return depth;
}

/**
 * The merged config with app settings inherited from environments above the one that defines
 * the clusters folded under those clusters' own settings.
 */
export function withClusterPrecedence(config: AppConfig): MergedConfig {
  const envs = config.layers.filter((l) => kindOf(l).project).map((l) => kindOf(l).env);
  const depthOf = (l: ParsedFile) => envs.indexOf(kindOf(l).env);
  const defining = definingDepth(config.layers, depthOf);
  const appLayers = config.layers.filter((l) => kindOf(l).app);
  const shallow = appLayers.filter((l) => depthOf(l) < defining);
  if (shallow.length === 0) return config.config;
  const deep = appLayers.filter((l) => depthOf(l) >= defining);
  const result: MergedConfig = Object.assign({}, config.config);
  let clusters = config.config.deployments?.kubernetes ?? [];
  for (const key of PER_PROCESS_KEYS) {
    const inherited = pick(shallow, key);
    if (inherited) clusters = clusters.map((c) => foldInto(c, key, inherited));
    const own = pick(deep, key);
    if (own === undefined) delete result[key];
    else (result as Record<string, unknown>)[key] = own;
  }
  result.deployments = Object.assign({}, config.config.deployments, { kubernetes: clusters });
  return result;
}
