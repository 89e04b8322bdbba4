// Waits until every Deployment of a release is Available, one fails, or one passes its deadline
// (spec.progressDeadlineSeconds plus a grace period), and says why in terms a user can act on:
// the Deployment's conditions and the latest Warning events of it and its pods. Where the
// cluster can watch, a Deployment still rolling out after its first read is followed by a watch
// from that read on: each change ends the wait between polls at once and is taken as it came,
// without reading the Deployment again; a poll interval without news still reads it.
import {
  describeRef, refOf,
  type Cluster, type DeploymentCondition, type KubeEvent, type ObjectRef, type RolloutStatus,
} from '../ports/cluster.js';
import type { Clock } from '../ports/clock.js';
import { compareText } from '../text/compare-text.js';

export interface WaitForRolloutOptions {
  /** Deadlines and the waits between polls (injected so tests need no real waiting). */
  clock: Clock;
  /** Default 2000. */
  pollIntervalMs?: number;
  /** Added to each Deployment's progress deadline before Nestor gives up itself. Default 10000. */
  graceMs?: number;
  /** Warning events kept per failed Deployment. Default 5. */
  maxEvents?: number;
  /** Pods whose events are read per failed Deployment. Default 3. */
  maxPods?: number;
  /** Called when a Deployment's state or message changes. */
  onProgress?: (status: RolloutStatus) => void;
  signal?: AbortSignal;
}

interface OutcomeBase {
  ref: ObjectRef;
  message: string;
  elapsedMs: number;
}

export type RolloutOutcome =
  | (OutcomeBase & { state: 'available' })
  | (OutcomeBase & { state: 'failed'; reason: string; conditions: DeploymentCondition[]; events: KubeEvent[]; summary: string })
  /** Still rolling out when the wait stopped because another Deployment failed. */
  | (OutcomeBase & { state: 'progressing' });

interface Watched {
  ref: ObjectRef;
  deadline?: number;
  last?: RolloutStatus;
  /** Following the Deployment through a watch: its latest status not yet looked at, if any. */
  watch?: { stop: () => void; ended: boolean; fresh?: RolloutStatus };
}

/** Wakes the wait between polls as soon as a watched Deployment changes. */
class Changes {
  private waiting: (() => void) | undefined;
  private came = false;

  signal(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting();
    else this.came = true;
  }

  /** Resolves at the next change, at once when one came since the last wait. */
  next(): Promise<void> {
    if (this.came) {
      this.came = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** The wait ended otherwise (the poll interval passed): a change from now on is kept for the next one. */
  stopWaiting(): void {
    this.waiting = undefined;
  }
}

const key = (ref: ObjectRef): string => `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;

/** Outcomes in the order of `refs` (Deployments only; other kinds have no rollout to wait for). */
export async function waitForRollout(cluster: Cluster, refs: readonly ObjectRef[], options: WaitForRolloutOptions): Promise<RolloutOutcome[]> {
  const start = options.clock.now();
  const watched = refs.filter((r) => r.kind === 'Deployment').map((ref): Watched => ({ ref }));
  const outcomes = new Map<string, RolloutOutcome>();
  const changes = new Changes();
  let pending = watched;
  try {
    while (pending.length > 0) {
      options.signal?.throwIfAborted();
      const results = await Promise.all(pending.map((w) => poll(cluster, w, start, options)));
      for (const outcome of results) if (outcome) outcomes.set(key(outcome.ref), outcome);
      pending = pending.filter((w) => !outcomes.has(key(w.ref)));
      const failed = [...outcomes.values()].find((o) => o.state === 'failed');
      if (failed) {
        for (const w of pending) outcomes.set(key(w.ref), stopped(w, failed.ref, options.clock.now() - start));
        break;
      }
      if (pending.length > 0) {
        for (const w of pending) follow(cluster, w, changes);
        await waitForChange(options, changes);
      }
    }
  } finally {
    for (const w of watched) w.watch?.stop();
  }
  return watched.map((w) => outcomes.get(key(w.ref))).filter((o): o is RolloutOutcome => o !== undefined);
}

/**
 * Follows the Deployment from its last read where the cluster can watch. A watch that ended (the
 * server closes them after a while) is made again after the next read, a poll interval later.
 */
function follow(cluster: Cluster, w: Watched, changes: Changes): void {
  if ((w.watch && !w.watch.ended) || !w.last || !cluster.watchRollout) return;
  const watch: NonNullable<Watched['watch']> = { stop: () => undefined, ended: false };
  const stop = cluster.watchRollout(w.last, {
    onChange: (status) => {
      if (watch.ended) return;
      watch.fresh = status;
      changes.signal();
    },
    onEnd: () => {
      watch.ended = true;
    },
  });
  if (!stop) return;
  watch.stop = stop;
  w.watch?.stop();
  w.watch = watch;
}

/** The poll interval, cut short by a change of a watched Deployment. */
async function waitForChange(options: WaitForRolloutOptions, changes: Changes): Promise<void> {
  const cutShort = new AbortController();
  const stopSleep = (): void => cutShort.abort();
  options.signal?.addEventListener('abort', stopSleep, { once: true });
  try {
    await Promise.race([options.clock.sleep(options.pollIntervalMs ?? 2000, cutShort.signal), changes.next()]);
  } finally {
    changes.stopWaiting();
    cutShort.abort();
    options.signal?.removeEventListener('abort', stopSleep);
  }
}

/**
 * The Deployment's status: the one its watch brought since the last look (nothing is read),
 * else read now. A poll interval without news reads it, so that a watch that lags or lost an
 * event costs at most an interval.
 */
async function currentStatus(cluster: Cluster, w: Watched): Promise<RolloutStatus> {
  const fresh = w.watch?.fresh;
  if (w.watch && fresh) {
    w.watch.fresh = undefined;
    return fresh;
  }
  return cluster.rolloutStatus(w.ref);
}

async function poll(cluster: Cluster, w: Watched, start: number, options: WaitForRolloutOptions): Promise<RolloutOutcome | undefined> {
  const status = await currentStatus(cluster, w);
  const now = options.clock.now();
  w.deadline ??= start + status.progressDeadlineSeconds * 1000 + (options.graceMs ?? 10_000);
  if (w.last?.state !== status.state || w.last.message !== status.message) options.onProgress?.(status);
  w.last = status;
  const elapsedMs = now - start;
  if (status.state === 'available') return { ref: w.ref, state: 'available', message: status.message, elapsedMs };
  if (status.state === 'failed') return failure(cluster, status, status.reason, status.message, elapsedMs, options);
  if (now >= w.deadline) {
    const message = `not available after ${Math.round(elapsedMs / 1000)} s (progress deadline ${status.progressDeadlineSeconds} s): ${status.message}`;
    return failure(cluster, status, 'DeadlineExceeded', message, elapsedMs, options);
  }
  return undefined;
}

function stopped(w: Watched, failed: ObjectRef, elapsedMs: number): RolloutOutcome {
  const where = w.last ? `: ${w.last.message}` : '';
  return { ref: w.ref, state: 'progressing', message: `stopped waiting after ${describeRef(failed)} failed${where}`, elapsedMs };
}

async function failure(
  cluster: Cluster, status: RolloutStatus, reason: string, message: string, elapsedMs: number, options: WaitForRolloutOptions,
): Promise<RolloutOutcome> {
  const events = await warningEvents(cluster, status, options).catch((): KubeEvent[] => []);
  const summary = summarize(status.ref, reason, message, events);
  return { ref: status.ref, state: 'failed', reason, message, conditions: status.conditions, events, summary, elapsedMs };
}

/** The latest distinct Warning events of the Deployment and of some of its pods, newest first. */
async function warningEvents(cluster: Cluster, status: RolloutStatus, options: WaitForRolloutOptions): Promise<KubeEvent[]> {
  const namespace = status.ref.namespace ?? 'default';
  const involved: ObjectRef[] = [status.ref];
  if (status.podSelector !== undefined) {
    const pods = await cluster.list({ namespace, kinds: [{ apiVersion: 'v1', kind: 'Pod' }], labelSelector: status.podSelector });
    involved.push(...pods.slice(0, options.maxPods ?? 3).map(refOf));
  }
  const all = (await Promise.all(involved.map((ref) => cluster.events(namespace, ref)))).flat();
  const seen = new Set<string>();
  return all
    .filter((e) => e.type === 'Warning')
    .map((e, i) => ({ e, i }))
    .sort((a, b) => compareText(b.e.lastTimestamp ?? '', a.e.lastTimestamp ?? '') || b.i - a.i)
    .map((x) => x.e)
    .filter((e) => {
      const id = `${e.reason}\u0000${e.message.replace(/\b[a-z0-9]+(-[a-z0-9]+)+\b/g, '')}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .slice(0, options.maxEvents ?? 5);
}

/** One line for a user: `Deployment dev3/mary-web failed (ProgressDeadlineExceeded): ...; Failed: Error: ImagePullBackOff`. */
export function summarize(ref: ObjectRef, reason: string, message: string, events: readonly KubeEvent[]): string {
  const why = events.filter((e) => e.reason !== reason || e.message !== message).map((e) => `${e.reason}: ${e.message}`);
  return `${describeRef(ref)} failed (${reason}): ${message}${why.length > 0 ? `; events: ${why.join(' | ')}` : ''}`;
}
