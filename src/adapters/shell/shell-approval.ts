// Production approvals in the terminal: the same rules as the Slack buttons (a listed approver,
// not the requester, before expiry, for exactly this commit and config), asked at the prompt.
import { randomUUID } from 'node:crypto';
import { createApproval, decide, type ApprovalBinding } from '../../core/commands/approval.js';
import { authorize, resolvePolicy, type Actor } from '../../core/commands/authorize.js';
import { namesAreIds } from '../../core/commands/people.js';
import { describeCommand, isMutating, type Command, type MutatingCommand } from '../../core/commands/command.js';
import { appConfig } from '../../core/config/index.js';
import type { ReleaseDeps } from '../../core/release/release-deps.js';
import { bindingOf } from '../slack/bot/approval-binding.js';
import { jobOfCommand } from '../slack/bot/job-of-command.js';

/** `approved`: who approved it, and what the approval is bound to (a deploy releases exactly that sha). */
export type ApprovalOutcome = { go: true; approved?: { by: string; binding: ApprovalBinding } } | { go: false };

export interface PromptApproval {
  deps: ReleaseDeps;
  actor: Actor;
  ask(question: string): Promise<string | undefined>;
  say(line: string): void;
}

/** Bound as a Slack request would be: a deploy to the sha its ref resolves to, others to the running release. */
function bind(p: PromptApproval, command: MutatingCommand): Promise<ApprovalBinding> {
  // The binding never reads values; a secret's value must not enter a job, even this transient one.
  const bindable = command.kind === 'config-set' ? { ...command, secret: false, values: {} } : command;
  return bindingOf(p.deps, jobOfCommand(bindable, p.actor.name, { kind: 'cli' }));
}

/** Whether the command may run now: allowed, or approved at the prompt by someone else. */
export async function approveAtPrompt(p: PromptApproval, command: Command): Promise<ApprovalOutcome> {
  if (!isMutating(command) || !('app' in command)) return { go: true };
  const { tree } = await p.deps.config.load();
  // No Slack here: a name in config is the person it names.
  const decision = authorize(await resolvePolicy(appConfig(tree, command.app, command.env).config, namesAreIds), p.actor, command);
  if (decision.kind === 'refused') {
    p.say(`refused: ${decision.reason}`);
    return { go: false };
  }
  if (decision.kind === 'allowed') return { go: true };
  const binding = await bind(p, command);
  const request = createApproval({
    ...binding, id: randomUUID(), operation: describeCommand(command), requester: { id: p.actor.id, name: p.actor.name },
    approvers: decision.approvers, expiresMinutes: decision.expiresMinutes,
  }, new Date(p.deps.wallClock.now()));
  p.say(`approval needed: ${request.operation} (${binding.sha.slice(0, 7)}) · approvers: ${request.approvers.join(', ')} · expires ${request.expiresAt}`);
  const answer = (await p.ask('who approves? (an approver types their name; empty to cancel) '))?.trim();
  if (!answer) {
    p.say('cancelled: nothing was changed');
    return { go: false };
  }
  const result = decide(request, { action: 'approve', by: { id: answer, name: answer, teams: [] }, at: new Date(p.deps.wallClock.now()), current: await bind(p, command) });
  if (!result.ok) {
    p.say(`refused: ${result.message}; nothing was changed`);
    return { go: false };
  }
  p.say(`approved by ${answer}`);
  return { go: true, approved: { by: answer, binding } };
}
