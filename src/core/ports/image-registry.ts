// Port: an OCI registry (the distribution API), asked whether an image exists. Credentials come
// with each reference, resolved by the caller from Nestor's environment or a Kubernetes Secret:
// never from git, never logged (the password is a SecretText).
import type { SecretText } from './datastores.js';

export interface RegistryCredentials {
  username: string;
  password: SecretText;
}

/** `<registry>/<repository>:<tag>`, e.g. `docker.com/kapten/mary:<sha>`. */
export interface ImageRef {
  /** Host and optional port, as written in project.yaml (`docker.com`, `127.0.0.1:5000`). */
  registry: string;
  /** `<organization>/<app>`. */
  repository: string;
  tag: string;
  /** Plain HTTP instead of HTTPS (a registry on a private network, or in tests). */
  insecure?: boolean;
  credentials?: RegistryCredentials;
}

export interface ImageRegistry {
  /**
   * Whether the registry has a manifest (an image or an index) for the tag: a HEAD of
   * `/v2/<repository>/manifests/<tag>`, answering the registry's bearer-token or basic-auth
   * challenge. Errors: NotAuthorized (credentials refused or missing), RegistryUnavailable
   * (unreachable, 5xx; retryable).
   */
  exists(ref: ImageRef): Promise<boolean>;
}

/** `docker.com/kapten/mary:<sha>`: how an image is named in messages and manifests. */
export function imageName(ref: Pick<ImageRef, 'registry' | 'repository' | 'tag'>): string {
  return `${ref.registry}/${ref.repository}:${ref.tag}`;
}
