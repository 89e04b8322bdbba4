// Who may do what where, from the merged project config of the environment: `access` lists the
// users and teams allowed on it (absent or null: everyone), `approval` makes every change there
// wait for a second person among its approvers. Pure: the caller loads the config.
import type { ProjectFileConfig } from '../config/schema.js';
import { commandEnv, isMutating, type Command } from './command.js';

/** The person behind a command or a click. */
export interface Actor {
  /** Platform id (Slack `U0123ABC`), stable across renames. */
  id: string;
  /** Display or user name (`alice`). */
  name: string;
  teams: readonly string[];
}

export type EnvironmentPolicy = Pick<ProjectFileConfig, 'access' | 'approval'>;

export const DEFAULT_APPROVAL_MINUTES = 60;

export type AccessDecision =
  | { kind: 'allowed' }
  | { kind: 'refused'; reason: string }
  | { kind: 'needs-approval'; approvers: string[]; expiresMinutes: number };

/** A config entry names a person by platform id or by name (names compare case-insensitively). */
export function namesActor(entry: string, actor: Pick<Actor, 'id' | 'name'>): boolean {
  return entry === actor.id || entry.toLowerCase() === actor.name.toLowerCase();
}

/** Whether the actor may act on the environment at all; a reason when not. */
export function accessProblem(policy: EnvironmentPolicy, actor: Actor, env: string): string | undefined {
  const access = policy.access;
  if (access === undefined || access === null) return undefined;
  const users = access.users ?? [];
  const teams = access.teams ?? [];
  if (users.some((u) => namesActor(u, actor))) return undefined;
  if (teams.some((t) => actor.teams.includes(t))) return undefined;
  const allowed = [...users.map((u) => `@${u}`), ...teams.map((t) => `team ${t}`)];
  return allowed.length === 0
    ? `no one may change ${env}: its access lists no users or teams`
    : `${actor.name} may not change ${env}: only ${allowed.join(', ')}`;
}

/**
 * Reading commands (help, envs, status, history) are open to all; `config get` needs access;
 * every change needs access, and approval where the environment has `approval`.
 */
export function authorize(policy: EnvironmentPolicy, actor: Actor, command: Command): AccessDecision {
  const env = commandEnv(command);
  const reads = command.kind === 'help' || command.kind === 'envs' || command.kind === 'status' || command.kind === 'history';
  if (reads || env === undefined) return { kind: 'allowed' };
  const refused = accessProblem(policy, actor, env);
  if (refused !== undefined) return { kind: 'refused', reason: refused };
  const approval = policy.approval;
  if (!isMutating(command) || approval === undefined || approval === null) return { kind: 'allowed' };
  return { kind: 'needs-approval', approvers: [...approval.approvers], expiresMinutes: approval.expires_minutes ?? DEFAULT_APPROVAL_MINUTES };
}

/** Whether the actor is among the approvers of the environment. */
export function isApprover(approvers: readonly string[], actor: Pick<Actor, 'id' | 'name'>): boolean {
  return approvers.some((a) => namesActor(a, actor));
}
