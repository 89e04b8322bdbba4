// Answers given at once to a command: queued, already queued, waiting behind another job, the
// queue being down, refused, unreadable. Wording as in ports/job-queue.ts (enqueuedMessage,
// queuedBehindMessage); the job id of a waiting job is in the context line.
import { describeCommand, type Command } from '../command.js';
import { usageText } from '../help.js';
import type { CommandSyntaxError } from '../syntax-error.js';
import { message, type Message } from './message.js';

export type QueueOutcome =
  | { kind: 'queued'; jobId: string }
  /** The same request seen again (a Slack retry, a double click): no second job. */
  | { kind: 'duplicate'; jobId: string }
  /** Another job holds the app and environment; this one runs after it. */
  | { kind: 'waiting'; jobId: string; behind: { jobId: string; user: string }; position?: number }
  | { kind: 'unavailable' }
  /** The queue did not answer in time: it may still take the job, and the requester will be told. */
  | { kind: 'slow' };

export function queueLine(outcome: QueueOutcome): string {
  switch (outcome.kind) {
    case 'queued':
      return `queued as job ${outcome.jobId}`;
    case 'duplicate':
      return `already queued as job ${outcome.jobId}`;
    case 'waiting':
      return `queued behind job ${outcome.behind.jobId} by ${outcome.behind.user}${outcome.position === undefined ? '' : `, position ${outcome.position}`}`;
    case 'unavailable':
      return 'the job queue is unavailable: nothing was queued, try again in a minute';
    case 'slow':
      return 'the job queue is slow to answer: you will be told here whether it takes the job (do not ask again until then)';
  }
}

export function acknowledgement(command: Command, user: string, outcome: QueueOutcome): Message {
  const what = describeCommand(command);
  const line = queueLine(outcome);
  if (outcome.kind === 'unavailable' || outcome.kind === 'duplicate' || outcome.kind === 'slow') {
    const tone = outcome.kind === 'unavailable' ? 'failure' : outcome.kind === 'slow' ? 'warning' : 'info';
    return message({ visibility: 'ephemeral', tone, title: what, summary: `${what}: ${line}` });
  }
  return message({
    tone: 'queued',
    title: what,
    summary: `${what}: ${line}`,
    context: [`requested by ${user}`, `job ${outcome.jobId}`],
  });
}

/** What a slow queue finally did with a job the requester was told it was slow to take. */
export function lateQueueOutcome(outcome: QueueOutcome): Message {
  if (outcome.kind === 'queued' || outcome.kind === 'duplicate' || outcome.kind === 'waiting') {
    return message({ visibility: 'ephemeral', tone: 'queued', title: 'Queued after all', summary: `the queue was slow but took it: queued as job ${outcome.jobId}` });
  }
  return message({ visibility: 'ephemeral', tone: 'failure', title: 'Not queued after all', summary: 'the job queue did not take it after all: nothing was queued, try again in a minute' });
}

/** The requester is told the change waits for someone else's approval. */
export function awaitingApproval(command: Command, approvers: readonly string[], expiresMinutes: number): Message {
  const what = describeCommand(command);
  return message({
    visibility: 'ephemeral',
    tone: 'pending',
    title: what,
    summary: `${what}: waiting for approval by ${approvers.join(' or ')} (expires in ${expiresMinutes} min)`,
  });
}

/** Not allowed: only the requester sees why; nothing was queued. */
export function refusal(reason: string, command?: Command): Message {
  const title = command ? `Refused: ${describeCommand(command)}` : 'Refused';
  return message({ visibility: 'ephemeral', tone: 'failure', title, summary: reason, context: ['nothing was queued'] });
}

/** A command that could not be read: the one-line error, then its usage or the help. */
export function syntaxErrorReply(error: CommandSyntaxError): Message {
  const sections = error.help
    ? [{ lines: error.help.split('\n'), monospace: true }]
    : error.verb
      ? [{ title: 'Usage', lines: (error.usage ?? usageText([error.verb])).split('\n'), monospace: true }]
      : [];
  return message({ visibility: 'ephemeral', tone: 'warning', title: 'Cannot read that command', summary: error.userMessage, sections });
}
