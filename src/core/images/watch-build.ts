// Waits for a build Job to end, telling each change of its state; a failure ends with the end
// of its pod's log.
import { ErrorCode, NestorError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Cluster, KubeObject } from '../ports/cluster.js';
import { jobLogTail } from '../release/job-log-tail.js';

export interface BuildWatch {
  cluster: Cluster;
  namespace: string;
  name: string;
  clock: Clock;
  pollMs: number;
  /** How long the Job may be absent before the build counts as never started. */
  startGraceMs: number;
}

type JobState = { state: 'pending' | 'running' | 'complete' } | { state: 'failed'; reason: string };

function stateOf(job: KubeObject): JobState {
  const status = (job['status'] ?? {}) as { active?: number; conditions?: { type: string; status: string; reason?: string }[] };
  const ended = status.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
  if (ended?.type === 'Complete') return { state: 'complete' };
  if (ended?.type === 'Failed') return { state: 'failed', reason: ended.reason ?? 'Failed' };
  return { state: (status.active ?? 0) > 0 ? 'running' : 'pending' };
}

export async function watchBuild(watch: BuildWatch, options: { label: string; onProgress: (line: string) => void; signal?: AbortSignal }): Promise<void> {
  const what = `job ${watch.namespace}/${watch.name}`;
  const since = watch.clock.now();
  let told: string | undefined;
  for (;;) {
    if (options.signal?.aborted) throw new NestorError(ErrorCode.Cancelled, `stopped waiting for the image build of ${options.label} (${what} goes on)`);
    const job = await watch.cluster.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: watch.namespace, name: watch.name });
    if (!job && watch.clock.now() - since > watch.startGraceMs) {
      throw new NestorError(ErrorCode.ImageUnavailable, `the image build of ${options.label} never started: ${what} does not exist`, { retryable: true });
    }
    const state = job ? stateOf(job) : { state: 'pending' as const };
    if (state.state !== told) {
      told = state.state;
      options.onProgress(`image build of ${options.label}: ${what} ${state.state}`);
    }
    if (state.state === 'complete') return;
    if (state.state === 'failed') {
      throw new NestorError(ErrorCode.ImageUnavailable, `the image build of ${options.label} failed (${what}: ${state.reason})${await jobLogTail(watch.cluster, watch.namespace, watch.name)}`);
    }
    await watch.clock.sleep(watch.pollMs, options.signal);
  }
}
