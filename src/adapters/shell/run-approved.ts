// A change approved at the shell's prompt runs through the same pipelines as a Slack job, with
// the approver recorded in its history commit.
import type { MutatingCommand } from '../../core/commands/command.js';
import { ErrorCode, NestorError } from '../../core/errors.js';
import { configSet, configUnset } from '../../core/release/config-change.js';
import { deploy } from '../../core/release/deploy.js';
import type { ReleaseContext, ReleaseDeps } from '../../core/release/release-deps.js';
import { rollback } from '../../core/release/rollback.js';
import { describeScale, scale } from '../../core/release/scale.js';
import { SecretValues } from '../../core/release/secret-input.js';

export interface Approved {
  approvedBy: string;
  /** The commit the approval is bound to: a deploy releases exactly that. */
  sha?: string;
}

/** Runs the approved change; returns the line to show. */
export async function runApproved(deps: ReleaseDeps, ctx: ReleaseContext, command: MutatingCommand, approved: Approved): Promise<string> {
  const { approvedBy } = approved;
  switch (command.kind) {
    case 'deploy':
      return (await deploy(deps, ctx, { app: command.app, env: command.env, ref: command.ref, approvedBy, ...(approved.sha ? { sha: approved.sha } : {}) })).message;
    case 'rollback':
      return (await rollback(deps, ctx, { app: command.app, env: command.env, approvedBy, ...(command.commit ? { commit: command.commit } : {}) })).message;
    case 'scale':
      return (await scale(deps, ctx, { app: command.app, env: command.env, specs: command.scales.map(describeScale), approvedBy })).message;
    case 'config-set': {
      const values = command.secret ? { secrets: SecretValues.of(command.values) } : { variables: command.values };
      return (await configSet(deps, ctx, { app: command.app, env: command.env, ...values, approvedBy })).message;
    }
    case 'config-unset':
      return (await configUnset(deps, ctx, { app: command.app, env: command.env, keys: command.keys, approvedBy })).message;
    case 'datastore':
      throw new NestorError(ErrorCode.BadInput, 'datastore snapshot and reset are not available yet');
  }
}
