// Who may do what where, from the merged project config of the environment: `access` lists the
// users and teams allowed on it (absent or null: everyone), `approval` makes every change there
// wait for a second person among its approvers. People are matched by id only: the caller
// resolves the names written in config through a PeopleDirectory first (resolvePolicy).
import type { ProjectFileConfig } from '../config/schema.js';
import { commandEnv, isMutating, type Command } from './command.js';
import { describeUnresolved, resolvePeople, type PeopleDirectory, type Person, type Unresolved } from './people.js';

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
  | { kind: 'needs-approval'; approvers: Person[]; unresolved: Unresolved[]; expiresMinutes: number };

/** The policy with every person resolved to an id; entries that name nobody are kept apart. */
export interface ResolvedPolicy {
  /** Absent: everyone may act. */
  access?: { users: Person[]; teams: string[]; unresolved: Unresolved[] };
  approval?: { approvers: Person[]; unresolved: Unresolved[]; expiresMinutes: number };
}

export async function resolvePolicy(policy: EnvironmentPolicy, directory: PeopleDirectory): Promise<ResolvedPolicy> {
  const { access, approval } = policy;
  const resolved: ResolvedPolicy = {};
  if (access !== undefined && access !== null) {
    const users = await resolvePeople(directory, access.users ?? []);
    resolved.access = { users: users.people, teams: [...(access.teams ?? [])], unresolved: users.unresolved };
  }
  if (approval !== undefined && approval !== null) {
    const approvers = await resolvePeople(directory, approval.approvers);
    resolved.approval = { approvers: approvers.people, unresolved: approvers.unresolved, expiresMinutes: approval.expires_minutes ?? DEFAULT_APPROVAL_MINUTES };
  }
  return resolved;
}

/** Every config entry that names nobody, for the log. */
export function unresolvedOf(policy: ResolvedPolicy): Unresolved[] {
  return [...(policy.access?.unresolved ?? []), ...(policy.approval?.unresolved ?? [])];
}

/** Whether the actor may act on the environment at all; a reason when not. */
export function accessProblem(policy: ResolvedPolicy, actor: Actor, env: string): string | undefined {
  const access = policy.access;
  if (access === undefined) return undefined;
  if (access.users.some((u) => u.id === actor.id)) return undefined;
  if (access.teams.some((t) => actor.teams.includes(t))) return undefined;
  const allowed = [...access.users.map((u) => `@${u.name}`), ...access.teams.map((t) => `team ${t}`)];
  const nobody = access.unresolved.length > 0 ? ` (names nobody: ${describeUnresolved(access.unresolved)})` : '';
  return allowed.length === 0
    ? `no one may change ${env}: its access lists no users or teams${nobody}`
    : `${actor.name} may not change ${env}: only ${allowed.join(', ')}${nobody}`;
}

/**
 * Reading commands (help, envs, status, history) are open to all; `config get` needs access;
 * every change needs access, and approval where the environment has `approval`.
 */
export function authorize(policy: ResolvedPolicy, actor: Actor, command: Command): AccessDecision {
  const env = commandEnv(command);
  const reads = command.kind === 'help' || command.kind === 'envs' || command.kind === 'status' || command.kind === 'history';
  if (reads || env === undefined) return { kind: 'allowed' };
  const refused = accessProblem(policy, actor, env);
  if (refused !== undefined) return { kind: 'refused', reason: refused };
  const approval = policy.approval;
  if (!isMutating(command) || approval === undefined) return { kind: 'allowed' };
  if (approval.approvers.length === 0) {
    const why = approval.unresolved.length > 0 ? `: ${describeUnresolved(approval.unresolved)}` : ': its approval lists nobody';
    return { kind: 'refused', reason: `no one can approve changes to ${env}${why}` };
  }
  return { kind: 'needs-approval', approvers: approval.approvers, unresolved: approval.unresolved, expiresMinutes: approval.expiresMinutes };
}

/** Whether the actor is among the approvers (by id). */
export function isApprover(approverIds: readonly string[], actor: Pick<Actor, 'id'>): boolean {
  return approverIds.includes(actor.id);
}
