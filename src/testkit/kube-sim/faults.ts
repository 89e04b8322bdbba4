/** Fault injection and request accounting, for tests that exercise retries, conflicts and timeouts. */
import { statusBody } from './api-error.js';
import type { JsonObject } from './object-util.js';

export interface RequestMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Substring of the request path (query excluded). */
  pathIncludes?: string;
}

export interface FailOptions {
  status: 409 | 429 | 500 | 503 | number;
  match?: RequestMatch;
  message?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  contentType: string;
}

export type FaultDecision =
  | { kind: 'fail'; status: number; body: JsonObject }
  | { kind: 'hang'; released: Promise<void> };

interface Rule {
  remaining: number;
  match: RequestMatch;
  decide: () => FaultDecision;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 410: 'Expired',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

function matches(match: RequestMatch, method: string, path: string): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) return false;
  return match.pathIncludes === undefined || path.includes(match.pathIncludes);
}

export class FaultInjector {
  private rules: Rule[] = [];
  private readonly hung = new Set<() => void>();
  readonly requests: RecordedRequest[] = [];

  /** The next `n` matching requests are answered with `status` and a Status body. */
  failNext(n: number, options: FailOptions): void {
    const reason = REASONS[options.status] ?? 'InternalError';
    const message = options.message ?? `injected fault: ${reason} (${options.status})`;
    const body = statusBody(options.status, reason, message, options.status === 429 ? { retryAfterSeconds: 1 } : {});
    this.rules.push({ remaining: n, match: options.match ?? {}, decide: () => ({ kind: 'fail', status: options.status, body }) });
  }

  /** The next `n` matching requests get no answer until `releaseHung()` or the simulator closes. */
  hangNext(n: number, match: RequestMatch = {}): void {
    this.rules.push({
      remaining: n,
      match,
      decide: () => ({ kind: 'hang', released: new Promise<void>((resolve) => this.hung.add(resolve)) }),
    });
  }

  /** Lets every hung request go on to be answered normally. */
  releaseHung(): void {
    for (const release of this.hung) release();
    this.hung.clear();
  }

  get hungCount(): number {
    return this.hung.size;
  }

  /** Forgets pending faults and recorded requests. */
  reset(): void {
    this.rules = [];
    this.requests.length = 0;
    this.releaseHung();
  }

  /** How many requests were received, optionally only those matching. */
  count(match: RequestMatch = {}): number {
    return this.requests.filter((r) => matches(match, r.method, r.path)).length;
  }

  /** Counts per `METHOD path`, e.g. `{ 'PATCH /apis/apps/v1/namespaces/a/deployments/x': 2 }`. */
  counters(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.requests) counts[`${r.method} ${r.path}`] = (counts[`${r.method} ${r.path}`] ?? 0) + 1;
    return counts;
  }

  /** Records a request and decides whether a fault applies to it. */
  intercept(request: RecordedRequest): FaultDecision | undefined {
    this.requests.push(request);
    const rule = this.rules.find((r) => r.remaining > 0 && matches(r.match, request.method, request.path));
    if (!rule) return undefined;
    rule.remaining--;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule.decide();
  }
}
