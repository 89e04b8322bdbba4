// Shapes shared by the renderer: what templates are, and what comes out.

import type { KubeObject } from '../ports/cluster.js';

export type { KubeMetadata, KubeObject } from '../ports/cluster.js';

export type TemplateOrigin = 'built-in' | 'override';

/** One template file as read from disk (or built in a test). */
export interface TemplateFile {
  /** File name, e.g. `deployment.yaml`: overrides replace built-ins by this name. */
  name: string;
  text: string;
  origin: TemplateOrigin;
  /** Where it came from, for error messages (defaults to `name`). */
  path?: string;
}

/** The objects of one app (or environment) for one cluster. */
export interface ClusterManifests {
  cluster: string;
  context: string;
  namespace: string;
  objects: KubeObject[];
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
