// ImageRegistry over the OCI distribution API with node's fetch: a manifest HEAD, answering a
// 401's challenge once (a bearer token from the realm, or basic auth). A 429, a 5xx or no answer
// is tried again after a short backoff (a Retry-After honoured, capped), a few times, before the
// check fails (and its job with it). Credentials go only in Authorization headers; messages name
// the image, never them.
import { ErrorCode, NestorError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import { systemClock } from '../system/system-clock.js';
import { imageName, type ImageRef, type ImageRegistry, type RegistryCredentials } from '../../core/ports/image-registry.js';
import { retryAfterMs, retryTransient, statusFailureKind, type FailureKind, type RetryPolicy } from '../http/transient-retry.js';
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
  /** Tries of a request in all, the first included. Default 3. */
  attempts?: number;
  /** The first wait before trying again, doubled each time (no jitter), and the longest (a Retry-After too). Default 500 ms and 5 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Waits between attempts. Default: the system clock. */
  clock?: Clock;
  /** A request tried again after a failure: `rate_limited` (429), `server` (5xx) or `network` (no answer). For metrics. */
  onRetry?: (kind: RegistryFailureKind) => void;
}

export type RegistryFailureKind = FailureKind;

function basic(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password.reveal()}`).toString('base64')}`;
}

export class OciRegistry implements ImageRegistry {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;

  constructor(options: OciRegistryOptions = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const { onRetry } = options;
    this.retry = {
      attempts: options.attempts ?? 3,
      baseDelayMs: options.backoffMs ?? 500,
      maxDelayMs: options.maxBackoffMs ?? 5_000,
      jitter: 'none',
      random: Math.random,
      clock: options.clock ?? systemClock,
      ...(onRetry ? { onRetry: (info) => onRetry(info.kind) } : {}),
    };
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

  /** The first answer that is not a 429 or a 5xx, or the last one; throws when the last attempt got no answer. */
  private send(ref: ImageRef, url: string, method: string, headers: Record<string, string>): Promise<Response> {
    return retryTransient<Response>(this.retry, `${method} ${url}`, async () => {
      let response: Response;
      try {
        response = await this.sendOnce(ref, url, method, headers);
      } catch (error) {
        return { failed: { kind: 'network', problem: error instanceof Error ? error.message : String(error), giveUp: () => { throw error; } } };
      }
      const kind = statusFailureKind(response.status);
      if (kind === undefined) return { answer: response };
      return { failed: {
        kind, problem: `HTTP ${response.status}`, retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        giveUp: () => response, discard: async () => { await response.body?.cancel(); },
      } };
    });
  }

  private async sendOnce(ref: ImageRef, url: string, method: string, headers: Record<string, string>): Promise<Response> {
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
