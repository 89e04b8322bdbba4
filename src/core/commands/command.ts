// The chat/CLI grammar of DESIGN.md as types: one discriminated union of commands, keyed by
// `kind`. The verb list is the one source of truth for dispatch, help and "did you mean".
import type { ScaleSpec } from '../config/edit-args.js';

export const Verb = {
  Deploy: 'deploy',
  Rollback: 'rollback',
  Scale: 'scale',
  Config: 'config',
  Datastore: 'datastore',
  Run: 'run',
  Status: 'status',
  History: 'history',
  Envs: 'envs',
  Schedules: 'schedules',
  Report: 'report',
  Help: 'help',
} as const;
export type Verb = (typeof Verb)[keyof typeof Verb];
export const VERBS: readonly Verb[] = Object.values(Verb);

export const ConfigAction = { Get: 'get', Set: 'set', Unset: 'unset' } as const;
export type ConfigAction = (typeof ConfigAction)[keyof typeof ConfigAction];

/** What a datastore job does; `datastore list` only reads, and is a command of its own kind. */
export const DatastoreAction = { Snapshot: 'snapshot', Reset: 'reset' } as const;
export type DatastoreAction = (typeof DatastoreAction)[keyof typeof DatastoreAction];

export interface DeployCommand { kind: 'deploy'; app: string; ref: string; env: string }
export interface RollbackCommand { kind: 'rollback'; app: string; env: string; commit?: string }
export interface ScaleCommand { kind: 'scale'; app: string; env: string; scales: ScaleSpec[] }
export interface ConfigGetCommand { kind: 'config-get'; app: string; env: string; keys: string[] }
/** `values` may hold secret values: never log it, never put it in a message or in job data. */
export interface ConfigSetCommand { kind: 'config-set'; app: string; env: string; values: Record<string, string>; secret: boolean }
export interface ConfigUnsetCommand { kind: 'config-unset'; app: string; env: string; keys: string[] }
/** `from`: a snapshot id (`staging/mary-db/2026-12-02T03-00-00.000Z`), for a reset. */
export interface DatastoreCommand { kind: 'datastore'; action: DatastoreAction; env: string; datastore?: string; from?: string }
export interface DatastoreListCommand { kind: 'datastore-list'; env: string }
/** `words`: the command line as given (argv words, or chat words unquoted); shellLine() joins them. */
export interface RunCommand { kind: 'run'; app: string; env: string; process?: string; words: string[] }
export interface StatusCommand { kind: 'status'; app: string; env?: string }
export interface HistoryCommand { kind: 'history'; app: string; env?: string }
export interface EnvsCommand { kind: 'envs' }
export interface SchedulesCommand { kind: 'schedules' }
export interface ReportCommand { kind: 'report'; env?: string }
export interface HelpCommand { kind: 'help'; topic?: Verb }

export type Command =
  | DeployCommand
  | RollbackCommand
  | ScaleCommand
  | ConfigGetCommand
  | ConfigSetCommand
  | ConfigUnsetCommand
  | DatastoreCommand
  | DatastoreListCommand
  | RunCommand
  | StatusCommand
  | HistoryCommand
  | EnvsCommand
  | SchedulesCommand
  | ReportCommand
  | HelpCommand;

export type CommandKind = Command['kind'];

/** Commands that change a cluster, a config repository or a datastore, or run code in an environment: they need access (and approval). */
export const MUTATING_KINDS = ['deploy', 'rollback', 'scale', 'config-set', 'config-unset', 'datastore', 'run'] as const satisfies readonly CommandKind[];
export type MutatingCommand = Extract<Command, { kind: (typeof MUTATING_KINDS)[number] }>;

export function isMutating(command: Command): command is MutatingCommand {
  return (MUTATING_KINDS as readonly string[]).includes(command.kind);
}

/** The environment a command acts on, when it acts on one. */
export function commandEnv(command: Command): string | undefined {
  return 'env' in command ? command.env : undefined;
}

/** A one-line description safe to show and log: never a config value. */
export function describeCommand(command: Command): string {
  switch (command.kind) {
    case 'deploy':
      return `deploy ${command.app}@${command.ref} to ${command.env}`;
    case 'rollback':
      return `rollback ${command.app} in ${command.env}${command.commit ? ` to ${command.commit.slice(0, 12)}` : ''}`;
    case 'scale':
      return `scale ${command.app} in ${command.env}: ${command.scales.map((s) => `${s.process}=${s.min === s.max ? s.min : `${s.min}:${s.max}`}`).join(' ')}`;
    case 'config-get':
      return `config get ${command.app} ${command.env}${command.keys.length ? ` ${command.keys.join(' ')}` : ''}`;
    case 'config-set':
      return `config set ${command.app} ${command.env} ${Object.keys(command.values).join(' ')}${command.secret ? ' (secret)' : ''}`;
    case 'config-unset':
      return `config unset ${command.app} ${command.env} ${command.keys.join(' ')}`;
    case 'datastore':
      return `datastore ${command.action} ${command.env}${command.datastore ? ` ${command.datastore}` : ''}${command.from ? ` --from ${command.from}` : ''}`;
    case 'datastore-list':
      return `datastore list ${command.env}`;
    case 'run':
      return `run ${command.app} ${command.env}${command.process ? ` --process ${command.process}` : ''} -- ${shellLine(command.words)}`;
    case 'status':
    case 'history':
      return `${command.kind} ${command.app}${command.env ? ` ${command.env}` : ''}`;
    case 'envs':
    case 'schedules':
      return command.kind;
    case 'report':
      return `report${command.env ? ` ${command.env}` : ''}`;
    case 'help':
      return `help${command.topic ? ` ${command.topic}` : ''}`;
  }
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Argv words as one shell line: a word with anything the shell reads is single-quoted. */
export function shellLine(words: readonly string[]): string {
  return words.map((w) => (SHELL_SAFE.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
