// The announcement of a finished release in the environment's channel (failures in its error
// channel), and the answers to config changes. Config replies name keys, never secret values.
import { SECRET_MASK } from '../../config/schema-constants.js';
import type { ReleaseResult } from '../../release/release-deps.js';
import { describeReleasedBranchMove } from '../../workflow/describe-move.js';
import { formatDuration, message, shortSha, type Field, type Message, type Section } from './message.js';

export interface Version {
  sha: string;
  ref?: string;
}

export interface ChangelogEntry {
  sha: string;
  subject: string;
}

export interface ReleaseAnnouncement {
  result: ReleaseResult;
  /** Who asked for it. */
  by: string;
  approvedBy?: string;
  durationMs: number;
  /** What ran before; absent for a first release. */
  previous?: Version;
  /** Commit subjects between the previous and the new sha, newest first. */
  changelog: ChangelogEntry[];
}

const MAX_CHANGELOG = 15;

export function formatVersion(v: Version): string {
  return v.ref && v.ref !== v.sha ? `${v.ref} (${shortSha(v.sha)})` : shortSha(v.sha);
}

function versionField(a: ReleaseAnnouncement): Field | undefined {
  const { sha, ref } = a.result;
  if (sha === undefined) return undefined;
  const next = formatVersion({ sha, ...(ref ? { ref } : {}) });
  if (a.result.attempted) return { label: 'Version', value: `${formatVersion(a.result.attempted)} failed; ${next} runs again` };
  if (a.previous?.sha === sha) return { label: 'Version', value: `${next}, the same code as before` };
  return { label: 'Version', value: a.previous ? `${formatVersion(a.previous)} → ${next}` : next };
}

function changelogSection(entries: readonly ChangelogEntry[]): Section[] {
  if (entries.length === 0) return [];
  const shown = entries.slice(0, MAX_CHANGELOG).map((c) => `${shortSha(c.sha)} ${c.subject.split('\n')[0]}`);
  const more = entries.length > MAX_CHANGELOG ? [`… and ${entries.length - MAX_CHANGELOG} more`] : [];
  return [{ title: 'Changes', lines: [...shown, ...more] }];
}

const TITLE: Readonly<Record<ReleaseResult['outcome'], (app: string, env: string) => string>> = {
  released: (app, env) => `${app} released to ${env}`,
  'dry-run': (app, env) => `${app}: dry run for ${env}`,
  'rolled-back': (app, env) => `${app}: release to ${env} failed, rolled back`,
  failed: (app, env) => `${app}: release to ${env} failed`,
  committed: (app, env) => `${app}: config of ${env} changed, to be released`,
  unchanged: (app, env) => `${app}: nothing to change in ${env}`,
};

export function releaseAnnouncement(a: ReleaseAnnouncement): Message {
  const { result } = a;
  const ok = result.outcome !== 'failed' && result.outcome !== 'rolled-back';
  const version = versionField(a);
  const fields: Field[] = [
    { label: 'App', value: result.app },
    { label: 'Environment', value: result.env },
    ...(version ? [version] : []),
    { label: 'By', value: a.by },
    ...(a.approvedBy ? [{ label: 'Approved by', value: a.approvedBy }] : []),
    { label: 'Duration', value: formatDuration(a.durationMs) },
  ];
  const failures: Section[] = result.failures.length ? [{ title: 'Failures', lines: result.failures }] : [];
  return message({
    tone: ok ? (result.historyPending ? 'warning' : 'success') : 'failure',
    title: TITLE[result.outcome](result.app, result.env),
    summary: result.message,
    fields,
    sections: [...failures, ...changelogSection(a.changelog)],
    context: [
      ...(result.commit ? [`history ${shortSha(result.commit)}`] : []),
      ...(result.historyPending ? ['applied; the history commit is pending and will be retried'] : []),
      ...(result.branchMove ? [describeReleasedBranchMove(result.branchMove)] : []),
    ],
  });
}

export interface ConfigChange {
  action: 'set' | 'unset';
  app: string;
  env: string;
  keys: readonly string[];
  secret: boolean;
  by: string;
  commit?: string;
}

/** `config set|unset` done: the names only, whatever the values were. */
export function configChanged(c: ConfigChange): Message {
  const kind = c.secret ? 'secret' : 'variable';
  const names = c.keys.join(', ');
  return message({
    tone: 'success',
    title: `${c.app} in ${c.env}: ${c.action === 'set' ? 'set' : 'unset'} ${names}`,
    summary: `${c.action === 'set' ? 'Set' : 'Unset'} ${c.keys.length} ${kind}${c.keys.length === 1 ? '' : 's'} of ${c.app} in ${c.env}: ${names}`,
    fields: [{ label: 'By', value: c.by }, ...(c.commit ? [{ label: 'Config commit', value: shortSha(c.commit) }] : [])],
    context: c.secret ? ['the value is stored in a Kubernetes Secret and never shown'] : [],
  });
}

export interface ConfigValue {
  key: string;
  value: string | number | boolean | null;
  secret: boolean;
}

/** `config get`: secrets shown masked, whatever the caller passes as their value. */
export function configValues(app: string, env: string, values: readonly ConfigValue[]): Message {
  const lines = values.map((v) => `${v.key}=${v.secret ? SECRET_MASK : v.value === null ? '(unset)' : String(v.value)}`);
  return message({
    visibility: 'ephemeral',
    tone: 'info',
    title: `${app} in ${env}: configuration`,
    summary: `${values.length} variable${values.length === 1 ? '' : 's'} of ${app} in ${env}`,
    sections: lines.length ? [{ lines, monospace: true }] : [{ lines: ['no variables'] }],
  });
}
