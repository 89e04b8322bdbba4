// The progress of one job as a pure reduction of its ReleaseEvents, shown as one message edited
// in place: a list of stages with ✓ / … / ✗, the diff summary, what it waits for. Each event is
// also one thread line (describeEvent).
import { countChanges, describeEvent, Stage, type ReleaseEvent, type StageStatus } from '../../release/events.js';
import type { ReleaseResult } from '../../release/release-deps.js';
import { describeJob, type Job } from '../../jobs/job-schema.js';
import { message, StepState, type Message, type Step } from './message.js';

/** The stages every release shows, in order; prune, rollback and branches (`release.moves_branch`) appear when they happen. */
export const PROGRESS_STAGES = [Stage.Resolve, Stage.Image, Stage.Render, Stage.Diff, Stage.Apply, Stage.Rollout, Stage.History] as const;
/** The stages of a CI success taken through the branch workflow. */
export const WORKFLOW_STAGES = [Stage.Tag, Stage.Image, Stage.Branches] as const;
/** The stages of a datastore job: a snapshot, or a reset (the snapshot it restores, the app's pods scaled down and back around it). */
export const SNAPSHOT_STAGES = [Stage.Snapshot] as const;
export const RESET_STAGES = [Stage.Snapshot, Stage.ScaleDown, Stage.Restore, Stage.ScaleUp] as const;
/** The stages of a one-off process: the release it runs in, then its Job. */
export const RUN_STAGES = [Stage.Resolve, Stage.Run] as const;
const OPTIONAL_STAGES: readonly Stage[] = [Stage.Prune, Stage.Rollback, Stage.ReleasePhase, Stage.Branches];

export interface JobProgress {
  jobId: string;
  /** describeCommand of the job. */
  operation: string;
  user: string;
  steps: Step[];
  waiting?: string;
  warnings: string[];
  diffs: Record<string, string>;
  applied: number;
  /** The end of what an admin process printed so far (while it runs: its outcome says how it ended). */
  log?: string[];
  outcome?: { ok: boolean; message: string };
}

/** Lines of a running process's log its message shows. */
export const PROGRESS_LOG_LINES = 10;

export function startProgress(jobId: string, operation: string, user: string, stages: readonly Stage[] = PROGRESS_STAGES): JobProgress {
  return { jobId, operation, user, steps: stages.map((name) => ({ name, state: StepState.Waiting })), warnings: [], diffs: {}, applied: 0 };
}

/** The progress of a queued job before its first event: a release's stages, or the branch workflow's. */
export function startJobProgress(jobId: string, job: Job): JobProgress {
  return startProgress(jobId, describeJob(job), job.user, stagesOf(job));
}

function stagesOf(job: Job): readonly Stage[] {
  if (job.kind === 'ci-success') return WORKFLOW_STAGES;
  if (job.kind === 'datastore') return job.action === 'snapshot' ? SNAPSHOT_STAGES : RESET_STAGES;
  // Only reads, then posts: its message ends on the counts.
  if (job.kind === 'report' || job.kind === 'datastore-list') return [];
  if (job.kind === 'run') return RUN_STAGES;
  return PROGRESS_STAGES;
}

const STATE_OF: Readonly<Record<StageStatus, StepState>> = { started: 'running', finished: 'done', failed: 'failed', skipped: 'skipped' };

function withStep(p: JobProgress, name: string, change: (s: Step) => Step): JobProgress {
  const known = p.steps.some((s) => s.name === name);
  if (!known && !OPTIONAL_STAGES.includes(name as Stage)) return p;
  const steps = known ? p.steps : insertOptional(p.steps, name);
  return { ...p, steps: steps.map((s) => (s.name === name ? change(s) : s)) };
}

/** Prune goes after apply, the release phase after the diff, rollback after rollout, a release's branch move last (after history). */
const SHOWN_AFTER: Partial<Record<Stage, Stage>> = { [Stage.Prune]: Stage.Apply, [Stage.ReleasePhase]: Stage.Diff, [Stage.Rollback]: Stage.Rollout, [Stage.Branches]: Stage.History };

function insertOptional(steps: Step[], name: string): Step[] {
  const after = SHOWN_AFTER[name as Stage] ?? Stage.Rollout;
  const at = steps.findIndex((s) => s.name === after);
  const step: Step = { name, state: StepState.Waiting };
  return at < 0 ? [...steps, step] : [...steps.slice(0, at + 1), step, ...steps.slice(at + 1)];
}

const detail = (s: Step, text: string | undefined): Step => (text ? { ...s, detail: text } : s);

/** While an automatic rollback runs, its own apply, rollout and history show on its step, not on the release's. */
function rollbackDetail(event: ReleaseEvent): string | undefined {
  switch (event.type) {
    case 'stage':
      return event.stage === Stage.Rollback ? undefined : `${event.stage} ${event.status}${event.message ? `: ${event.message}` : ''}`;
    case 'applied':
      return `${event.object} ${event.result}`;
    case 'pruned':
      return `${event.object} deleted`;
    case 'rollout':
      return `${event.object}: ${event.state}`;
    default:
      return undefined;
  }
}

const rollingBack = (p: JobProgress): boolean => p.steps.some((s) => s.name === Stage.Rollback && s.state === StepState.Running);

export function applyEvent(p: JobProgress, event: ReleaseEvent): JobProgress {
  const nested = rollingBack(p) ? rollbackDetail(event) : undefined;
  if (nested !== undefined) return withStep(p, Stage.Rollback, (s) => ({ ...s, detail: nested }));
  switch (event.type) {
    case 'stage': {
      if (event.stage === Stage.Lock) return event.status === 'finished' ? withoutWaiting(p) : p;
      const next = withStep(p, event.stage, (s) => detail({ ...s, state: STATE_OF[event.status] }, event.message));
      return event.stage === Stage.Diff ? withDiffDetail(next) : next;
    }
    case 'waiting':
      return { ...p, waiting: event.message };
    case 'diff':
      return withDiffDetail({ ...p, diffs: { ...p.diffs, [event.cluster]: countChanges(event.changes) } });
    case 'applied': {
      const applied = p.applied + 1;
      return withStep({ ...p, applied }, Stage.Apply, (s) => ({ ...s, detail: `${applied} object${applied === 1 ? '' : 's'} applied` }));
    }
    case 'pruned':
      return withStep(p, Stage.Prune, (s) => ({ ...s, detail: `${event.object} deleted` }));
    case 'rollout':
      return withStep(p, Stage.Rollout, (s) => ({ ...s, detail: `${event.object}: ${event.state}` }));
    case 'warning':
      return { ...p, warnings: [...p.warnings, event.message] };
    case 'log':
      return { ...p, log: [...(p.log ?? []), ...event.lines].slice(-PROGRESS_LOG_LINES) };
  }
}

function withoutWaiting(p: JobProgress): JobProgress {
  const { waiting: _waiting, ...rest } = p;
  return rest;
}

function withDiffDetail(p: JobProgress): JobProgress {
  const entries = Object.entries(p.diffs);
  if (entries.length === 0) return p;
  const text = entries.length === 1 ? entries[0]![1] : entries.map(([cluster, counts]) => `${cluster}: ${counts}`).join('; ');
  return withStep(p, Stage.Diff, (s) => ({ ...s, detail: text }));
}

/** The end of the job: stages still running are done (or failed, when the release failed); stages never reached are skipped. */
export function finishProgress(p: JobProgress, result: Pick<ReleaseResult, 'outcome' | 'message'>): JobProgress {
  const ok = result.outcome !== 'failed';
  const end = (s: Step): Step => {
    if (s.state === StepState.Running) return { ...s, state: ok ? StepState.Done : StepState.Failed };
    return s.state === StepState.Waiting ? { ...s, state: StepState.Skipped } : s;
  };
  const steps = p.steps.map(end);
  const { log: _log, ...rest } = withoutWaiting(p);
  return { ...rest, steps, outcome: { ok, message: result.message } };
}

export function progressMessage(p: JobProgress): Message {
  const failed = p.outcome ? !p.outcome.ok : p.steps.some((s) => s.state === StepState.Failed);
  const tone = p.outcome ? (p.outcome.ok ? 'success' : 'failure') : failed ? 'failure' : p.waiting ? 'queued' : 'running';
  const status = p.outcome ? p.outcome.message : p.waiting ? `waiting: ${p.waiting}` : currentLine(p);
  return message({
    tone,
    title: p.operation,
    summary: p.outcome && saysWhatItIs(p.operation, status) ? status : `${p.operation}: ${status}`,
    steps: p.steps,
    sections: [
      ...(p.warnings.length ? [{ title: 'Warnings', lines: p.warnings }] : []),
      ...(p.log?.length && !p.outcome ? [{ title: 'The end of its log so far', lines: p.log, monospace: true }] : []),
    ],
    context: [`job ${p.jobId}`, `requested by ${p.user}`],
  });
}

/** An outcome that starts with the operation's verb (`scale mary in dev3: …`, `deployed …`) needs no prefix. */
function saysWhatItIs(operation: string, status: string): boolean {
  const verb = operation.split(' ')[0] ?? '';
  return verb !== '' && status.startsWith(verb);
}

function currentLine(p: JobProgress): string {
  const running = p.steps.find((s) => s.state === StepState.Running);
  return running ? `${running.name}…` : 'starting';
}

/** One thread reply per event, with the details the main message leaves out. */
export function threadLine(event: ReleaseEvent): string {
  return describeEvent(event);
}
