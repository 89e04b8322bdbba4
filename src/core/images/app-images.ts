// The images of an app at a commit: `<host>/<organization>/<app>:<sha>` for every registry of
// `docker.registries` (the first is the one the manifests pull; a build pushes to all).
import type { MergedConfig } from '../config/schema.js';
import type { ImageRef } from '../ports/image-registry.js';

type RegistryEntry = NonNullable<NonNullable<MergedConfig['docker']>['registries']>[string][number];

export interface AppImage {
  ref: Omit<ImageRef, 'credentials'>;
  /** Where it is configured, for messages: `docker.registries.docker.com[0]`. */
  path: string;
  settings: RegistryEntry;
}

export function appImagesOf(config: MergedConfig, app: string, sha: string): AppImage[] {
  return Object.entries(config.docker?.registries ?? {}).flatMap(([host, entries]) => entries.map((settings, i) => ({
    ref: { registry: host, repository: `${settings.organization}/${app}`, tag: sha, ...(settings.insecure ? { insecure: true } : {}) },
    path: `docker.registries.${host}[${i}]`,
    settings,
  })));
}

/** `mary@abc1234`: how a build's commit is named in messages. */
export function shortVersion(app: string, sha: string): string {
  return `${app}@${sha.slice(0, 7)}`;
}
