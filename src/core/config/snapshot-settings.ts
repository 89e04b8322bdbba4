// Where an environment's datastore snapshots are kept, from `datastore_snapshots:` merged down
// its project.yaml files: a folder, or an object store (`url: s3://bucket/prefix` with its
// `endpoint`, `region`, `force_path_style`), and how many to keep. The closest file that names a
// location chooses it (a child can move its snapshots from its parent's folder to a bucket, or
// back); one file naming both, or an environment's own file giving object-store options to a
// folder, is a config error.
import type { ConfigProblem } from '../errors.js';
import { isPlainObject, type ParsedFile } from './config-file.js';
import { ancestry, type ConfigTree } from './config-tree.js';
import { mergedProject } from './merged-project.js';
import { lastDeclaring, problemAt } from './sync-settings.js';

export const DEFAULT_SNAPSHOT_FOLDER = 'snapshots';
export const DEFAULT_SNAPSHOT_KEEP = 7;

/** Snapshots in a folder, relative to Nestor's snapshots folder unless absolute. */
export interface FolderLocation {
  folder: string;
}

/** Snapshots in an S3 bucket (or an S3-compatible store at `endpoint`), under `prefix`. */
export interface ObjectStoreLocation {
  /** `s3://<bucket>[/<prefix>]`, as configured: what messages name. */
  url: string;
  bucket: string;
  /** Without leading nor trailing `/`; empty for the bucket's root. */
  prefix: string;
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
}

export type SnapshotLocation = FolderLocation | ObjectStoreLocation;

export interface SnapshotSettings {
  location: SnapshotLocation;
  keep: number;
}

const OBJECT_STORE_KEYS = ['endpoint', 'region', 'force_path_style'] as const;

export const isObjectStore = (location: SnapshotLocation): location is ObjectStoreLocation => 'url' in location;

/** `s3://bucket/a/b/` → bucket and `a/b`; the schema has checked its form. */
export function objectStoreOf(url: string): Pick<ObjectStoreLocation, 'url' | 'bucket' | 'prefix'> {
  const [bucket = '', ...path] = url.slice('s3://'.length).split('/');
  return { url, bucket, prefix: path.filter((part) => part !== '').join('/') };
}

const snapshotsIn = (file: ParsedFile): Record<string, unknown> =>
  (isPlainObject(file.data.datastore_snapshots) ? file.data.datastore_snapshots : {});

/** The closest project.yaml of the environment's ancestry that names a folder or a url. */
function locationFile(tree: ConfigTree, env: string): ParsedFile | undefined {
  return [...ancestry(tree, env)].reverse().map((node) => node.project).find((file) => {
    const own = snapshotsIn(file);
    return own.folder !== undefined || own.url !== undefined;
  });
}

export function snapshotSettings(tree: ConfigTree, env: string): SnapshotSettings {
  const merged = mergedProject(tree, env).datastore_snapshots;
  const keep = merged?.keep ?? DEFAULT_SNAPSHOT_KEEP;
  const chosen = locationFile(tree, env);
  const own = chosen ? snapshotsIn(chosen) : {};
  if (typeof own.url !== 'string') return { location: { folder: typeof own.folder === 'string' ? own.folder : DEFAULT_SNAPSHOT_FOLDER }, keep };
  return {
    location: {
      ...objectStoreOf(own.url),
      ...(merged?.endpoint === undefined ? {} : { endpoint: merged.endpoint.replace(/\/$/, '') }),
      ...(merged?.region === undefined ? {} : { region: merged.region }),
      ...(merged?.force_path_style === undefined ? {} : { forcePathStyle: merged.force_path_style }),
    },
    keep,
  };
}

const ENDPOINT_FORM = 'expected http(s)://<host>[:<port>], without credentials (the AWS SDK reads them from Nestor\'s environment)';

function isEndpoint(text: string): boolean {
  try {
    const url = new URL(text);
    return ['http:', 'https:'].includes(url.protocol) && url.username === '' && url.password === '' && ['', '/'].includes(url.pathname) && url.search === '' && url.hash === ''
      && /^https?:\/\/[^/@]+\/?$/.test(text);
  } catch {
    return false;
  }
}

export function snapshotProblems(tree: ConfigTree): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [env, node] of tree.environments) {
    const own = snapshotsIn(node.project);
    if (typeof own.endpoint === 'string' && !isEndpoint(own.endpoint)) {
      problems.push(problemAt(node.project, ['datastore_snapshots', 'endpoint'], ENDPOINT_FORM));
    }
    if (own.folder !== undefined && own.url !== undefined) {
      problems.push(problemAt(node.project, ['datastore_snapshots', 'url'], 'datastore_snapshots names a folder and a url: keep one of them'));
      continue;
    }
    if (isObjectStore(snapshotSettings(tree, env).location)) continue;
    const where = lastDeclaring(ancestry(tree, env).map((n) => n.project), ['datastore_snapshots', 'folder']);
    for (const key of OBJECT_STORE_KEYS.filter((k) => own[k] !== undefined)) {
      const folder = where ? ` (${where.file.path} names a folder)` : ' (the default folder)';
      problems.push(problemAt(node.project, ['datastore_snapshots', key], `datastore_snapshots.${key} is for an object store, and ${env}'s snapshots are kept in a folder${folder}: set url: s3://<bucket>/<prefix> too, or remove it`));
    }
  }
  return problems;
}
