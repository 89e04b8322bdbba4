// ImageRegistry over the OCI distribution API with node's fetch: a manifest HEAD, answering a
// 401's challenge once (a bearer token from the realm, or basic auth). Credentials go only in
// Authorization headers; messages name the image, never them.
import { ErrorCode, NestorError } from '../../core/errors.js';
import { imageName, type ImageRef, type ImageRegistry, type RegistryCredentials } from '../../core/ports/image-registry.js';
import { parseChallenge, type Challenge } from './www-authenticate.js';

/** Every manifest kind an image can be pushed as: OCI index and manifest, Docker v2 list and manifest. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

export interface OciRegistryOptions {
  fetch?: typeof fetch;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
}

function basic(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password.reveal()}`).toString('base64')}`;
}

export class OciRegistry implements ImageRegistry {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: OciRegistryOptions = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async exists(ref: ImageRef): Promise<boolean> {
    const url = `${ref.insecure ? 'http' : 'https'}://${ref.registry}/v2/${ref.repository}/manifests/${encodeURIComponent(ref.tag)}`;
    let response = await this.send(ref, url, 'HEAD', { accept: MANIFEST_TYPES.join(', ') });
    if (response.status === 401) {
      const authorization = await this.authorize(ref, parseChallenge(response.headers.get('www-authenticate')));
      response = await this.send(ref, url, 'HEAD', { accept: MANIFEST_TYPES.join(', '), authorization });
    }
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    throw this.failure(ref, response.status);
  }

  /** The Authorization header that answers the challenge. */
  private async authorize(ref: ImageRef, challenge: Challenge | undefined): Promise<string> {
    const creds = ref.credentials;
    if (challenge?.scheme === 'basic') {
      if (!creds) throw this.refused(ref, 'it asks for a user name and password, and none is configured');
      return basic(creds);
    }
    const realm = challenge?.params['realm'];
    if (!realm) throw this.refused(ref, 'its 401 answer has no bearer or basic challenge');
    const token = new URL(realm);
    if (challenge.params['service']) token.searchParams.set('service', challenge.params['service']);
    token.searchParams.set('scope', challenge.params['scope'] ?? `repository:${ref.repository}:pull`);
    const response = await this.send(ref, token.toString(), 'GET', creds ? { authorization: basic(creds) } : {});
    if (response.status === 401 || response.status === 403) throw this.refused(ref, `its token service refused ${creds ? 'the configured credentials' : 'an anonymous token'}`);
    if (response.status !== 200) throw this.failure(ref, response.status, 'token service ');
    const body = await response.json().catch(() => ({})) as { token?: unknown; access_token?: unknown };
    const value = typeof body.token === 'string' ? body.token : body.access_token;
    if (typeof value !== 'string' || value === '') throw this.failure(ref, response.status, 'token service (no token in its answer) ');
    return `Bearer ${value}`;
  }

  private async send(ref: ImageRef, url: string, method: string, headers: Record<string, string>): Promise<Response> {
    try {
      return await this.fetch(url, { method, headers, redirect: 'follow', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const why = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error));
      throw new NestorError(ErrorCode.RegistryUnavailable, `registry ${ref.registry} could not be reached to check ${imageName(ref)}: ${why}`, { retryable: true, cause: error });
    }
  }

  private refused(ref: ImageRef, why: string): NestorError {
    return new NestorError(ErrorCode.NotAuthorized, `registry ${ref.registry} refused access to ${imageName(ref)}: ${why}`);
  }

  private failure(ref: ImageRef, status: number, what = ''): NestorError {
    if (status === 401 || status === 403) return this.refused(ref, `HTTP ${status} with the ${ref.credentials ? 'configured credentials' : 'anonymous access'}`);
    return new NestorError(ErrorCode.RegistryUnavailable, `registry ${ref.registry} ${what}answered HTTP ${status} to the check of ${imageName(ref)}`, { retryable: status >= 500 || status === 429 });
  }
}
