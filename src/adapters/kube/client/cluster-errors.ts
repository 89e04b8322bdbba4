// Kubernetes API answers turned into NestorErrors with one clear line each. Shared with the
// in-memory fake so both say the same thing. Secret values are redacted from every message.
import { ErrorCode, NestorError } from '../../../core/errors.js';
import { describeRef, redact, type AppliedObject, type ObjectRef } from '../../../core/ports/cluster.js';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The parts of a Kubernetes `Status` body Nestor reads. */
export interface KubeStatus {
  code?: number;
  reason?: string;
  message?: string;
  details?: { causes?: StatusCause[] };
}

export interface FieldConflict {
  manager: string;
  field: string;
}

export interface ErrorContext {
  cluster: string;
  /** `apply`, `get`, `list`, `delete`, `read rollout status of`, `list events of`. */
  operation: string;
  ref?: ObjectRef;
  /** Objects applied earlier in the same call (apply only). */
  applied?: readonly AppliedObject[];
  secrets?: readonly string[];
}

export function parseStatus(body: string): KubeStatus {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as KubeStatus) : {};
  } catch {
    return { message: body.slice(0, 200) };
  }
}

function target(ctx: ErrorContext): string {
  return ctx.ref ? `${ctx.operation} ${describeRef(ctx.ref)}` : ctx.operation;
}

export function appliedSummary(applied: readonly AppliedObject[] | undefined): string {
  if (applied === undefined) return '';
  if (applied.length === 0) return '; nothing was applied in this call';
  return `; already applied in this call: ${applied.map((a) => `${describeRef(a.ref)} (${a.result})`).join(', ')}`;
}

/** The field-manager conflicts named by the causes of a 409 from server-side apply. */
export function conflictsOf(status: KubeStatus): FieldConflict[] {
  return (status.details?.causes ?? [])
    .filter((c) => c.reason === 'FieldManagerConflict' || /conflict with "/.test(c.message ?? ''))
    .map((c) => ({ manager: /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1] ?? 'another manager', field: c.field ?? '?' }));
}

export function conflictError(ctx: ErrorContext, conflicts: readonly FieldConflict[], fallback = ''): NestorError {
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  const owners = [...byManager].map(([manager, fields]) => `"${manager}" owns ${fields.join(', ')}`).join('; ');
  const what = owners || fallback || 'another field manager owns fields it sets';
  const message = `cluster ${ctx.cluster}: conflict on ${target(ctx)}: ${what}; `
    + `nothing was forced (use --force-conflicts to take the fields)${appliedSummary(ctx.applied)}`;
  return new NestorError(ErrorCode.Conflict, redact(message, ctx.secrets ?? []), {
    retryable: false,
    detail: { cluster: ctx.cluster, ref: ctx.ref, conflicts: conflicts.map((c) => ({ ...c })) },
  });
}

export function unavailableError(ctx: ErrorContext, problem: string, cause?: unknown): NestorError {
  const message = `cluster ${ctx.cluster} unavailable: ${target(ctx)} failed: ${problem}${appliedSummary(ctx.applied)}`;
  return new NestorError(ErrorCode.ClusterUnavailable, redact(message, ctx.secrets ?? []), {
    retryable: true, cause, detail: { cluster: ctx.cluster, ref: ctx.ref, applied: ctx.applied?.length },
  });
}

function causesText(status: KubeStatus): string {
  const causes = status.details?.causes ?? [];
  if (causes.length === 0) return status.message ?? '';
  return causes.map((c) => `${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`).join('; ');
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.BadInput, 401: ErrorCode.NotAuthorized, 403: ErrorCode.NotAuthorized, 404: ErrorCode.BadInput,
  405: ErrorCode.BadInput, 409: ErrorCode.Conflict, 410: ErrorCode.Conflict, 413: ErrorCode.BadInput,
  415: ErrorCode.BadInput, 422: ErrorCode.BadInput,
};

/** A non-transient, non-2xx answer as one line: `cluster X: apply Deployment a/b: 422 Invalid: spec...`. */
export function statusError(ctx: ErrorContext, httpStatus: number, body: string): NestorError {
  const status = parseStatus(body);
  if (httpStatus === 409 && ctx.operation === 'apply') {
    const conflicts = conflictsOf(status);
    if (conflicts.length > 0 || status.reason === 'Conflict') return conflictError(ctx, conflicts, status.message);
  }
  const code = CODE_BY_STATUS[httpStatus] ?? ErrorCode.Internal;
  const reason = status.reason ? ` ${status.reason}` : '';
  const text = (httpStatus === 422 ? causesText(status) : status.message ?? '').replace(/\s+/g, ' ').trim();
  const message = `cluster ${ctx.cluster}: ${target(ctx)} refused (${httpStatus}${reason})${text ? `: ${text}` : ''}${appliedSummary(ctx.applied)}`;
  return new NestorError(code, redact(message, ctx.secrets ?? []), {
    retryable: httpStatus === 409 || httpStatus === 410,
    detail: { cluster: ctx.cluster, ref: ctx.ref, status: httpStatus, reason: status.reason },
  });
}
