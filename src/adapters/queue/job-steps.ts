// A job's stages as its worker reports them (resolve, image, render, diff, apply, rollout,
// history...), kept as the BullMQ job's progress so that whoever reads the job (GET
// /api/v1/jobs/:id) sees where it is: the latest status of each stage, in the order they began.
import type { JobStep } from '../../core/ports/job-queue.js';
import type { JobUpdate } from '../../core/jobs/run-job.js';

/** The steps after `update`, or undefined when it says nothing of a stage. */
export function stepsAfter(steps: readonly JobStep[], update: JobUpdate): JobStep[] | undefined {
  if (update.type !== 'event' || update.event.type !== 'stage') return undefined;
  const { stage, status, message } = update.event;
  const step: JobStep = { stage, status, ...(message ? { message } : {}) };
  const at = steps.findIndex((s) => s.stage === stage);
  return at < 0 ? [...steps, step] : steps.map((s, i) => (i === at ? step : s));
}

/** The steps kept in a BullMQ job's progress; none when it holds something else. */
export function stepsOf(progress: unknown): JobStep[] {
  const steps = (progress as { steps?: unknown } | null)?.steps;
  return Array.isArray(steps) ? steps.filter((s): s is JobStep => typeof s?.stage === 'string' && typeof s?.status === 'string') : [];
}
