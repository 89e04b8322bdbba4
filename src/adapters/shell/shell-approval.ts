// Production approvals in the terminal: the same rules as the Slack buttons (a listed approver,
// not the requester, before expiry, for exactly this commit and config), asked at the prompt,
// after showing what is approved as the Slack request does (commits, config keys, objects).
import { randomUUID } from 'node:crypto';
import { approvalDetails, type ApprovalDetails } from '../../core/commands/approval-details.js';
import { createApproval, decide, type ApprovalBinding } from '../../core/commands/approval.js';
import { authorize, resolvePolicy, type Actor } from '../../core/commands/authorize.js';
import { namesAreIds } from '../../core/commands/people.js';
import { describeCommand, isMutating, type Command, type MutatingCommand } from '../../core/commands/command.js';
import { appConfig } from '../../core/config/index.js';
import { detailSections, runningField } from '../../core/commands/replies/approval-details-sections.js';
import type { Job } from '../../core/jobs/job-schema.js';
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

/** The command as a job that holds no secret value (not even this transient one): bindings and details never read them. */
function jobOf(p: PromptApproval, command: MutatingCommand): Job {
  const bindable = command.kind === 'config-set' ? { ...command, secret: false, values: {} } : command;
  return jobOfCommand(bindable, p.actor.name, { kind: 'cli' });
}

/** Bound as a Slack request would be: a deploy to the sha its ref resolves to, others to the running release. */
function bind(p: PromptApproval, command: MutatingCommand): Promise<ApprovalBinding> {
  return bindingOf(p.deps, jobOf(p, command));
}

/** What the Slack request shows of what is approved, as lines of text. */
export function detailsText(details: ApprovalDetails): string[] {
  const fields = runningField(details).map((f) => `  ${f.label}: ${f.value}`);
  const sections = detailSections(details).flatMap((s) => [`  ${s.title ?? ''}:`, ...s.lines.map((l) => `    ${l}`)]);
  return [...fields, ...sections, ...details.notes.map((n) => `  note: ${n}`)];
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
  const details = await approvalDetails(p.deps, jobOf(p, command), binding.sha);
  const request = createApproval({
    ...binding, id: randomUUID(), operation: describeCommand(command), requester: { id: p.actor.id, name: p.actor.name },
    approvers: decision.approvers, expiresMinutes: decision.expiresMinutes, details,
  }, new Date(p.deps.wallClock.now()));
  p.say(`approval needed: ${request.operation} (${binding.sha.slice(0, 7)}) · approvers: ${request.approvers.join(', ')} · expires ${request.expiresAt}`);
  for (const line of detailsText(details)) p.say(line);
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
