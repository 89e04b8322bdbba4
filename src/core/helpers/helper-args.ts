// The helpers' arguments that are more than a name: `--since 10m` and `[<local>:]<remote>`.
import { ErrorCode, NestorError } from '../errors.js';

const UNIT_SECONDS = { h: 3600, m: 60, s: 1 } as const;

/** `90s`, `10m`, `1h30m` (as kubectl's --since) in whole seconds. */
export function sinceSeconds(text: string): number {
  const parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  const seconds = parts && parts[0] !== ''
    ? Number(parts[1] ?? 0) * UNIT_SECONDS.h + Number(parts[2] ?? 0) * UNIT_SECONDS.m + Number(parts[3] ?? 0)
    : NaN;
  if (!(seconds > 0)) throw new NestorError(ErrorCode.BadInput, `--since "${text}": expected a duration such as 90s, 10m or 1h30m`);
  return seconds;
}

export interface PortPair {
  /** The port to listen on here; 0: any free one. */
  local: number;
  remote: number;
}

function port(text: string, what: string, zeroAllowed: boolean): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535 || (n === 0 && !zeroAllowed)) {
    throw new NestorError(ErrorCode.BadInput, `${what} port "${text}": expected a number from ${zeroAllowed ? 0 : 1} to 65535`);
  }
  return n;
}

/** `8080` (the same port here), `9000:8080`, or `:8080` (any free port here), as kubectl port-forward reads them. */
export function portPair(text: string): PortPair {
  const [first, second, ...rest] = text.split(':');
  if (rest.length > 0 || first === undefined) throw new NestorError(ErrorCode.BadInput, `"${text}": expected [<local>:]<remote>, such as 8080 or 9000:8080`);
  if (second === undefined) {
    const remote = port(first, 'remote', false);
    return { local: remote, remote };
  }
  return { local: first === '' ? 0 : port(first, 'local', true), remote: port(second, 'remote', false) };
}
