// A parsed mutating command as the job a worker runs, for a Slack requester, and the
// idempotency key of a Slack request (its team and trigger id: a retry or a replay of the same
// request carries both, so it names the same job).
import type { MutatingCommand } from '../../../core/commands/command.js';
import type { Job, JobOrigin } from '../../../core/jobs/job-schema.js';
import { ErrorCode, NestorError } from '../../../core/errors.js';

const USER = /^[A-Za-z0-9._@-]{1,64}$/;

/** The name recorded in history and shown to people: the Slack user name, else the id. */
export function jobUser(user: { id: string; name: string }): string {
  return USER.test(user.name) ? user.name : user.id;
}

export function requestKey(team: string, triggerId: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `slack-${clean(team)}-${clean(triggerId)}`.slice(0, 128);
}

export function jobOfCommand(command: MutatingCommand, user: string, origin: JobOrigin): Job {
  const common = { user, origin };
  switch (command.kind) {
    case 'deploy':
      return { kind: 'deploy', app: command.app, env: command.env, ref: command.ref, trigger: 'user', ...common };
    case 'rollback':
      return { kind: 'rollback', app: command.app, env: command.env, ...(command.commit ? { commit: command.commit } : {}), ...common };
    case 'scale':
      return { kind: 'scale', app: command.app, env: command.env, specs: command.scales.map((s) => ({ ...s })), ...common };
    case 'config-set':
      if (command.secret) throw secretsRefused();
      return { kind: 'config-set', app: command.app, env: command.env, values: { ...command.values }, secrets: [], ...common };
    case 'config-unset':
      return { kind: 'config-unset', app: command.app, env: command.env, keys: [...command.keys], ...common };
    case 'run':
      return { kind: 'run', app: command.app, env: command.env, ...(command.process ? { process: command.process } : {}), words: [...command.words], ...common };
    case 'datastore':
      return {
        kind: 'datastore', env: command.env, action: command.action,
        ...(command.datastore ? { datastore: command.datastore } : {}), ...(command.from ? { from: command.from } : {}), ...common,
      };
  }
}

/**
 * Secret values are refused from Slack: the text of a slash command is kept by Slack (and by
 * anything that logs requests), so a secret typed there is already leaked, whatever Nestor does.
 */
export function secretsRefused(): NestorError {
  return new NestorError(
    ErrorCode.BadInput,
    'secrets cannot be set from Slack: a value typed in Slack is kept in its logs. Use `nestor config set <app> <env> KEY=... --secret` from a terminal; nothing was queued',
  );
}
