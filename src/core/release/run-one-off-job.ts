// Runs a one-off Job (rendered by renderJob) to its end: applies it, then polls it until its
// Complete or Failed condition. Stopped (the signal) or past the wait, the Job is deleted, which
// stops its pod. Applying the same Job again (a retried queue job: same run id, same name)
// finds it as it ended and runs nothing twice.
import { describeRef, refOf, type Cluster, type KubeObject } from '../ports/cluster.js';
import type { Clock } from '../ports/clock.js';

export interface OneOffJobOptions {
  clock: Clock;
  fieldManager: string;
  /** How long to wait for the end before deleting the Job. */
  timeoutMs: number;
  /** Default 2000. */
  pollIntervalMs?: number;
  signal?: AbortSignal;
  /** Called at each poll while the Job runs (to read its log as it grows); its errors end the run. */
  onWait?: () => Promise<void>;
}

export type OneOffJobEnd =
  | { state: 'complete'; job: string }
  | { state: 'failed'; job: string; reason: string; message: string }
  /** Stopped by the signal: the Job was deleted. */
  | { state: 'stopped'; job: string }
  /** Not finished in time: the Job was deleted. */
  | { state: 'timed-out'; job: string };

interface JobCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

export async function runOneOffJob(cluster: Cluster, job: KubeObject, options: OneOffJobOptions): Promise<OneOffJobEnd> {
  const ref = refOf(job);
  const name = describeRef(ref);
  await cluster.apply([job], { fieldManager: options.fieldManager, ...(options.signal ? { signal: options.signal } : {}) });
  const deadline = options.clock.now() + options.timeoutMs;
  for (;;) {
    const conditions = ((await cluster.get(ref))?.['status'] as { conditions?: JobCondition[] } | undefined)?.conditions ?? [];
    const ended = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    if (ended?.type === 'Complete') return { state: 'complete', job: name };
    if (ended) return { state: 'failed', job: name, reason: ended.reason ?? 'Failed', message: ended.message ?? '' };
    const stop = options.signal?.aborted ? 'stopped' as const : options.clock.now() > deadline ? 'timed-out' as const : undefined;
    if (stop) {
      await cluster.delete(ref);
      return { state: stop, job: name };
    }
    await options.onWait?.();
    await options.clock.sleep(options.pollIntervalMs ?? 2_000, options.signal);
  }
}
