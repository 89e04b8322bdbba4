// A change typed in the shell runs as a Slack job does: the command is made a job, the worker's
// handlers run it in this process (the shell's locks, no queue), each event is printed as Slack's
// thread gets it, and at the end the job's message and the release announcement are printed as
// Slack would show them, with the channel they would go to.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { renderText } from '../adapters/cli/text-render.js';
import { buildAnnouncement, buildBranchNotice } from '../adapters/slack/notifier/index.js';
import { FAILED_OUTCOMES } from '../adapters/slack/notifier/thread-details.js';
import { finishProgress, progressMessage, startJobProgress, threadLine, type JobProgress } from '../core/commands/replies.js';
import { applyEvent } from '../core/commands/replies/progress.js';
import { ErrorCode, isNestorError } from '../core/errors.js';
import type { JobHandlers } from '../core/jobs/job-handlers.js';
import type { Job } from '../core/jobs/job-schema.js';
import { runJob, type JobUpdate, type ProgressSink } from '../core/jobs/run-job.js';
import type { JobOutcome } from '../core/ports/job-queue.js';
import type { DatastoreDeps } from '../core/datastores/datastore-deps.js';
import { runDatastoreJob } from '../core/datastores/datastore-job.js';
import { announcerOf, type Announcer } from './worker-announce.js';
import { workerRunner } from './worker.js';

/** The runner's own errors: the sink prints everything a shell user needs. */
const QUIET = pino({ level: 'silent' });

export type Say = (text: string) => void;

/** The job's progress as text: a line per event, then the final message. */
function textSink(say: Say): ProgressSink {
  let progress: JobProgress | undefined;
  const end = (outcome: { ok: boolean; message: string }) => {
    if (!progress) return;
    progress = finishProgress(progress, { outcome: outcome.ok ? 'released' : 'failed', message: outcome.message });
    say(renderText(progressMessage(progress)));
  };
  return (update: JobUpdate) => {
    if (update.type === 'started') progress = startJobProgress(update.jobId, update.job);
    else if (update.type === 'event') {
      if (progress) progress = applyEvent(progress, update.event);
      say(`${threadLine(update.event)}\n`);
    } else if (update.type === 'completed') end({ ok: !FAILED_OUTCOMES.has(update.result.outcome), message: update.result.message });
    else end({ ok: false, message: update.message });
  };
}

/**
 * The announcement Slack would post, with its channel. It is built while the job ends, so `say`
 * here holds it back until the job's own message is printed (see runShellJob).
 */
function textAnnouncer(say: Say): Announcer {
  return announcerOf(async (deps, input) => {
    const notice = buildBranchNotice(input);
    for (const announcement of [await buildAnnouncement(deps, input), notice]) {
      if (announcement) say(`→ #${announcement.channel}\n${renderText(announcement.message)}`);
    }
  }, (error) => say(`(no announcement: ${error instanceof Error ? error.message : String(error)})\n`));
}

/** The handlers with `signal` in every release context: Ctrl-C reaches the pipeline. */
function stoppable(handlers: JobHandlers, signal: AbortSignal): JobHandlers {
  const entries = Object.entries(handlers).map(([kind, handler]) => [kind, (ctx: Parameters<typeof handler>[0], job: never) => handler({ ...ctx, signal }, job)]);
  return Object.fromEntries(entries) as JobHandlers;
}

export type ShellJobEnd = { ok: true; outcome: JobOutcome } | { ok: false; error: unknown };

/** Runs `job` to its end; its failure has been told already (the message says what went wrong). */
export async function runShellJob(deps: DatastoreDeps, job: Job, say: Say, signal?: AbortSignal): Promise<ShellJobEnd> {
  const announcements: string[] = [];
  const announce = textAnnouncer((text) => void announcements.push(text));
  const runner = workerRunner(deps, announce, deps.locks, textSink(say), QUIET, { datastore: (ctx, input) => runDatastoreJob(deps, ctx, input) });
  try {
    const outcome = await runJob({ ...runner, handlers: signal ? stoppable(runner.handlers, signal) : runner.handlers }, { jobId: `shell-${randomUUID().slice(0, 8)}`, data: job, attempt: 1, maxAttempts: 1, ...(signal ? { signal } : {}) });
    return { ok: true, outcome };
  } catch (error) {
    return { ok: false, error }; // told by the sink
  } finally {
    await announce.settled();
    for (const text of announcements) say(text);
  }
}

/** After Ctrl-C: how the job ended, in one line (undefined when its own message says it all). */
export function stopNote(end: ShellJobEnd): string | undefined {
  if (!end.ok) return isNestorError(end.error) && end.error.code === ErrorCode.Cancelled ? undefined : 'stopped: the command failed (above)';
  if (end.outcome.outcome === 'rolled-back') return 'stopped: the release was rolled back, as a failed rollout is (above)';
  if (end.outcome.outcome === 'failed') return 'stopped: the release failed (above)';
  return 'Ctrl-C came too late to stop it: the change was applied and available, so it finished (above)';
}
