// Answers that need no job: help, status, history, envs.
import type { Verb } from '../command.js';
import { helpText } from '../help.js';
import { message, shortSha, shortTime, type Message } from './message.js';

export function helpReply(topic?: Verb): Message {
  return message({
    visibility: 'ephemeral',
    tone: 'info',
    title: topic ? `Help: ${topic}` : 'Nestor commands',
    summary: topic ? `How to use ${topic}` : 'What Nestor can do',
    sections: [{ lines: helpText(topic).split('\n'), monospace: true }],
  });
}

export interface StatusRow {
  env: string;
  ref?: string;
  sha?: string;
  replicas?: { ready: number; desired: number };
  releasedAt?: string;
  by?: string;
  /** Why the app is pinned here, if it is. */
  pinned?: string;
}

function statusLine(r: StatusRow): string {
  const version = r.sha ? `${r.ref ? `${r.ref} ` : ''}${shortSha(r.sha)}` : 'not deployed';
  const replicas = r.replicas ? `, ${r.replicas.ready}/${r.replicas.desired} ready` : '';
  const when = r.releasedAt ? `, released ${shortTime(r.releasedAt)} UTC${r.by ? ` by ${r.by}` : ''}` : '';
  const pin = r.pinned ? ` (pinned: ${r.pinned})` : '';
  return `${r.env}: ${version}${replicas}${when}${pin}`;
}

function statusSummary(app: string, rows: readonly StatusRow[]): string {
  const deployed = rows.filter((r) => r.sha !== undefined).length;
  if (deployed === 0) return `${app} is not deployed anywhere`;
  const envs = (n: number) => `${n} environment${n === 1 ? '' : 's'}`;
  return deployed === rows.length ? `${app} runs in ${envs(deployed)}` : `${app} runs in ${deployed} of its ${envs(rows.length)}`;
}

export function statusReply(app: string, rows: readonly StatusRow[]): Message {
  const unhealthy = rows.some((r) => r.replicas && r.replicas.ready < r.replicas.desired);
  return message({
    tone: unhealthy ? 'warning' : 'info',
    title: `${app}: status`,
    summary: statusSummary(app, rows),
    sections: rows.length ? [{ lines: rows.map(statusLine) }] : [],
  });
}

export interface HistoryEntry {
  commit: string;
  at: string;
  by: string;
  env: string;
  /** `deploy v1.4.2 (abc1234)`, `rollback to 3f2c1ab`, `scale web=3:9`. */
  what: string;
}

export function historyReply(app: string, env: string | undefined, entries: readonly HistoryEntry[]): Message {
  const where = env ? ` in ${env}` : '';
  return message({
    tone: 'info',
    title: `${app}: history${where}`,
    summary: entries.length ? `the last ${entries.length === 1 ? 'release' : `${entries.length} releases`} of ${app}${where}` : `no releases of ${app}${where}`,
    sections: entries.length ? [{ lines: entries.map((e) => `${shortSha(e.commit)} ${shortTime(e.at)} ${e.env} ${e.what} by ${e.by}`), monospace: true }] : [],
  });
}

export interface EnvInfo {
  name: string;
  parent?: string;
  approval: boolean;
  restricted: boolean;
}

function envTree(envs: readonly EnvInfo[], parent: string | undefined, depth: number): string[] {
  return envs
    .filter((e) => e.parent === parent)
    .flatMap((e) => {
      const marks = [e.approval ? 'approval' : '', e.restricted ? 'restricted' : ''].filter(Boolean);
      const line = `${'  '.repeat(depth)}${e.name}${marks.length ? ` (${marks.join(', ')})` : ''}`;
      return [line, ...envTree(envs, e.name, depth + 1)];
    });
}

export function envsReply(envs: readonly EnvInfo[]): Message {
  const names = new Set(envs.map((e) => e.name));
  const roots = envs.filter((e) => e.parent !== undefined && !names.has(e.parent)).map((e) => ({ ...e, parent: undefined }));
  const all = [...envs.filter((e) => !roots.some((r) => r.name === e.name)), ...roots] as EnvInfo[];
  return message({
    tone: 'info',
    title: 'Environments',
    summary: `${envs.length} environment${envs.length === 1 ? '' : 's'}`,
    sections: [{ lines: envTree(all, undefined, 0), monospace: true }],
  });
}
