// The layout of the release history repository, shared by the git adapter and its fake:
// `<env>/<app>/<cluster>.yaml`, `<env>/<app>/release.json`, `<env>/<app>/pin.json`, and commit
// messages whose last paragraph holds `Key: value` trailers that `list` reads back.

import { ErrorCode, NestorError } from '../../core/errors.js';
import type { HoldEnd, Pin, RecordInput, ReleaseKind, ReleaseRecord, ReleaseSummary } from '../../core/ports/release-history.js';
import { ReleaseKind as Kinds } from '../../core/ports/release-history.js';
import { checkClusterName, checkName, oneLine } from './paths.js';

export const RELEASE_FILE = 'release.json';
export const PIN_FILE = 'pin.json';
/** `nestor unpin` of a held app (HoldEnd): kept beside the pin, replaced by the next one. */
export const HOLD_END_FILE = 'hold-end.json';
const TRAILER_KEY = /^[A-Za-z][A-Za-z0-9-]{0,40}$/;
const KINDS = new Set<string>(Object.values(Kinds));

export function releaseDir(app: string, env: string): string {
  return `${checkName('environment', env)}/${checkName('app', app)}`;
}

export function clusterFile(cluster: string): string {
  return `${checkClusterName(cluster)}.yaml`;
}

/** The subject used when the caller gives none: `deploy mary@1a2b3c4 (feature-x) to dev3 by alice`. */
export function defaultSubject(input: RecordInput): string {
  const { record } = input;
  const ref = record.ref && !record.sha.startsWith(record.ref) ? ` (${record.ref})` : '';
  return `${input.kind} ${input.app}@${record.sha.slice(0, 7)}${ref} to ${input.env} by ${record.user}`;
}

/** The full commit message of a release: subject, then trailers that describe it. */
export function releaseMessage(input: RecordInput): string {
  const { record } = input;
  const trailers: [string, string | undefined][] = [
    ['Nestor-Kind', input.kind],
    ['Nestor-App', input.app],
    ['Nestor-Env', input.env],
    ['Nestor-Sha', record.sha],
    ['Nestor-Ref', record.ref],
    ['Nestor-User', record.user],
    ['Nestor-At', record.at],
    ['Job-Id', record.jobId],
    ['Approved-By', record.approvedBy],
    ['Previous-Release', record.previous],
    ['Nestor-Config', record.configFingerprint],
    ...Object.entries(record.trailers ?? {}),
  ];
  return composeMessage(input.message ?? defaultSubject(input), trailers);
}

export function pinMessage(app: string, env: string, pin: Pin | undefined, by: string, approvedBy = pin?.approvedBy): string {
  const subject = pin
    ? `pin ${app} in ${env} to ${pin.commit.slice(0, 7)} by ${by}: ${pin.reason}`
    : `unpin ${app} in ${env} by ${by}`;
  return composeMessage(subject, [
    ['Nestor-Kind', pin ? 'pin' : 'unpin'],
    ['Nestor-App', app],
    ['Nestor-Env', env],
    ['Nestor-User', by],
    ['Approved-By', approvedBy],
  ]);
}

export function holdEndMessage(app: string, env: string, end: HoldEnd): string {
  return composeMessage(`end the hold of ${app} in ${env} by ${end.by}`, [
    ['Nestor-Kind', 'end-hold'],
    ['Nestor-App', app],
    ['Nestor-Env', env],
    ['Nestor-User', end.by],
  ]);
}

function composeMessage(subject: string, trailers: [string, string | undefined][]): string {
  const lines = trailers
    .filter((t): t is [string, string] => t[1] !== undefined && t[1] !== '')
    .map(([key, value]) => {
      if (!TRAILER_KEY.test(key)) throw new NestorError(ErrorCode.BadInput, `invalid trailer name ${JSON.stringify(key)}`);
      return `${key}: ${oneLine(value, 500)}`;
    });
  return `${oneLine(subject, 300)}\n\n${lines.join('\n')}\n`;
}

/** Reads the trailers of a message written by `releaseMessage`. */
export function parseTrailers(message: string): Map<string, string> {
  const paragraphs = message.trim().split(/\n\s*\n/);
  const last = paragraphs.length > 1 ? (paragraphs[paragraphs.length - 1] ?? '') : '';
  const trailers = new Map<string, string>();
  for (const line of last.split('\n')) {
    const match = /^([A-Za-z][A-Za-z0-9-]*): (.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) trailers.set(match[1], match[2]);
  }
  return trailers;
}

/** A release summary from a commit message; undefined when the commit is not a release. */
export function summaryFromMessage(commit: string, message: string): ReleaseSummary | undefined {
  const t = parseTrailers(message);
  const kind = t.get('Nestor-Kind');
  const app = t.get('Nestor-App');
  const env = t.get('Nestor-Env');
  if (kind === undefined || !KINDS.has(kind) || app === undefined || env === undefined) return undefined;
  const summary: ReleaseSummary = {
    commit,
    app,
    env,
    kind: kind as ReleaseKind,
    sha: t.get('Nestor-Sha') ?? '',
    user: t.get('Nestor-User') ?? '',
    at: t.get('Nestor-At') ?? '',
    message: message.split('\n')[0] ?? '',
  };
  const ref = t.get('Nestor-Ref');
  const jobId = t.get('Job-Id');
  const configFingerprint = t.get('Nestor-Config');
  if (ref !== undefined) summary.ref = ref;
  if (jobId !== undefined) summary.jobId = jobId;
  if (configFingerprint !== undefined) summary.configFingerprint = configFingerprint;
  return summary;
}

/** `release.json`: the record plus who/what, stable key order, trailing newline. */
export function releaseJson(input: RecordInput): string {
  return `${JSON.stringify({ app: input.app, env: input.env, kind: input.kind, ...input.record }, null, 2)}\n`;
}

export function parseReleaseJson(text: string): ReleaseRecord {
  const { app: _app, env: _env, kind: _kind, ...record } = JSON.parse(text) as ReleaseRecord & Record<string, unknown>;
  return record;
}

export function pinJson(pin: Pin): string {
  return `${JSON.stringify(pin, null, 2)}\n`;
}

export function parsePinJson(text: string): Pin {
  return JSON.parse(text) as Pin;
}

export function holdEndJson(end: HoldEnd): string {
  return `${JSON.stringify(end, null, 2)}\n`;
}

export function parseHoldEndJson(text: string): HoldEnd {
  return JSON.parse(text) as HoldEnd;
}

/** Checks the parts of a record that end up in paths and messages. */
export function checkRecordInput(input: RecordInput): void {
  releaseDir(input.app, input.env);
  if (!KINDS.has(input.kind)) throw new NestorError(ErrorCode.BadInput, `invalid release kind ${JSON.stringify(input.kind)}`);
  const clusters = Object.keys(input.manifestsByCluster);
  if (clusters.length === 0) throw new NestorError(ErrorCode.BadInput, 'a release needs the manifests of at least one cluster');
  clusters.forEach(clusterFile);
  if (input.record.jobId !== undefined && oneLine(input.record.jobId) !== input.record.jobId) {
    throw new NestorError(ErrorCode.BadInput, 'invalid job id');
  }
}
