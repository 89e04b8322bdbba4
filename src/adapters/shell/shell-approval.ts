// Production approvals in the terminal: the same rules as the Slack buttons (a listed approver,
// not the requester, before expiry, for exactly this commit and config), asked at the prompt.
import { createHash, randomUUID } from 'node:crypto';
import { createApproval, decide, type ApprovalBinding } from '../../core/commands/approval.js';
import { authorize, type Actor } from '../../core/commands/authorize.js';
import { describeCommand, isMutating, type Command } from '../../core/commands/command.js';
import { appConfig } from '../../core/config/index.js';
import type { ReleaseDeps } from '../../core/release/release-deps.js';
import { bindingOf } from '../slack/bot/approval-binding.js';

export type ApprovalOutcome = { go: true; approvedBy?: string; sha?: string } | { go: false };

export interface PromptApproval {
  deps: ReleaseDeps;
  actor: Actor;
  ask(question: string): Promise<string | undefined>;
  say(line: string): void;
  now(): Date;
}

function jobOf(command: Command, user: string) {
  const origin = { kind: 'cli' as const };
  switch (command.kind) {
    case 'deploy': return { kind: 'deploy' as const, app: command.app, env: command.env, ref: command.ref, user, origin, trigger: 'user' as const };
    case 'rollback': return { kind: 'rollback' as const, app: command.app, env: command.env, user, origin, ...(command.commit ? { commit: command.commit } : {}) };
    default: return undefined;
  }
}

/** Deploys and rollbacks bind as in Slack; other changes bind the running release and the config. */
async function bind(p: PromptApproval, command: Command & { app: string; env: string }): Promise<ApprovalBinding> {
  const job = jobOf(command, p.actor.name);
  if (job) return bindingOf(p.deps, job);
  const { tree } = await p.deps.config.load();
  const latest = await p.deps.history.get(command.app, command.env);
  const configHash = createHash('sha256').update(JSON.stringify(appConfig(tree, command.app, command.env).config)).digest('hex').slice(0, 16);
  return { app: command.app, env: command.env, sha: latest?.sha ?? '0'.repeat(40), configHash };
}

/** Whether the command may run now: allowed, or approved at the prompt by someone else. */
export async function approveAtPrompt(p: PromptApproval, command: Command): Promise<ApprovalOutcome> {
  if (!isMutating(command) || !('app' in command)) return { go: true };
  const { tree } = await p.deps.config.load();
  const decision = authorize(appConfig(tree, command.app, command.env).config, p.actor, command);
  if (decision.kind === 'refused') {
    p.say(`refused: ${decision.reason}`);
    return { go: false };
  }
  if (decision.kind === 'allowed') return { go: true };
  const binding = await bind(p, command);
  const request = createApproval({
    ...binding, id: randomUUID(), operation: describeCommand(command), requester: { id: p.actor.id, name: p.actor.name },
    approvers: decision.approvers, expiresMinutes: decision.expiresMinutes,
  }, p.now());
  p.say(`approval needed: ${request.operation} (${binding.sha.slice(0, 7)}) · approvers: ${request.approvers.join(', ')} · expires ${request.expiresAt}`);
  const answer = (await p.ask('who approves? (an approver types their name; empty to cancel) '))?.trim();
  if (!answer) {
    p.say('cancelled: nothing was changed');
    return { go: false };
  }
  const result = decide(request, { action: 'approve', by: { id: answer, name: answer, teams: [] }, at: p.now(), current: await bind(p, command) });
  if (!result.ok) {
    p.say(`refused: ${result.message}; nothing was changed`);
    return { go: false };
  }
  p.say(`approved by ${answer}`);
  return { go: true, approvedBy: answer, sha: binding.sha };
}
