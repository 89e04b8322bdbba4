// One lane of calls to Slack (a job's status message, or its thread): at most one call in
// flight, at most one per `minIntervalMs`, always with the newest pending state (the source
// decides what that is), a Retry-After honoured, backoff on failures and a bounded retry time.
// Callers never wait on it: `kick()` returns at once and the lane runs on its own.
import type { DeliveryDeps } from './delivery-report.js';
import { classifySlackError, type SlackFailure } from './slack-failure.js';
import { backoffMs } from './tuning.js';

export interface LaneSource<S> {
  /** What to send now (the newest state, the next batch of lines); undefined when nothing. */
  pending(): S | undefined;
  /** One call; throws the WebClient's error on failure. */
  send(snapshot: S): Promise<void>;
  /** `snapshot` was delivered, or refused for good: it is no longer pending. */
  settled(snapshot: S): void;
  /** Retried for too long: drop everything pending. */
  abandon(): void;
}

export type LaneDeps = DeliveryDeps;

export class DeliveryLane<S> {
  private active = false;
  private done: Promise<void> = Promise.resolve();
  private throttleUntil = 0;
  private blockedUntil = 0;
  private failures = 0;
  private streakStart: number | undefined;
  private finalAt: number | undefined;
  private hurried = false;
  private wake = new AbortController();
  private closed = false;

  constructor(private readonly source: LaneSource<S>, private readonly deps: LaneDeps) {}

  /** Something new is pending: start delivering unless already at it. Returns at once. */
  kick(): void {
    if (this.active || this.closed) return;
    this.active = true;
    this.done = this.pump();
  }

  /** The final state is pending: retries go on for `giveUpAfterMs` from now at least. */
  markFinal(): void {
    this.finalAt ??= this.deps.clock.now();
  }

  /** Skip the pacing wait (not a Retry-After, not a backoff): for a flush at shutdown. */
  hurry(): void {
    if (!this.active) return;
    this.hurried = true;
    this.wake.abort();
    this.wake = new AbortController();
  }

  /** Stops for good: waits end, nothing more is sent. */
  close(): void {
    this.closed = true;
    this.wake.abort();
  }

  get busy(): boolean {
    return this.active;
  }

  /** Resolves when nothing is pending, or what was has been given up. */
  idle(): Promise<void> {
    return this.active ? this.done : Promise.resolve();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const snapshot = this.source.pending();
        if (this.closed || snapshot === undefined) return;
        const wait = this.waitMs();
        if (wait > 0) {
          await this.deps.clock.sleep(wait, this.wake.signal);
          continue;
        }
        await this.attempt(snapshot);
      }
    } finally {
      this.active = false;
      this.hurried = false;
    }
  }

  private waitMs(): number {
    const now = this.deps.clock.now();
    const throttle = this.hurried ? 0 : this.throttleUntil - now;
    return Math.max(0, this.blockedUntil - now, throttle);
  }

  private async attempt(snapshot: S): Promise<void> {
    const { jobId, lane } = this.deps;
    try {
      await this.source.send(snapshot);
    } catch (error) {
      this.failed(snapshot, classifySlackError(error));
      return;
    }
    this.source.settled(snapshot);
    this.failures = 0;
    this.streakStart = undefined;
    this.throttleUntil = this.deps.clock.now() + this.deps.tuning.minIntervalMs;
    this.deps.observe({ jobId, lane, result: 'sent' });
  }

  private failed(snapshot: S, failure: SlackFailure): void {
    const { jobId, lane, clock, tuning } = this.deps;
    const now = clock.now();
    if (failure.kind === 'permanent') {
      this.source.settled(snapshot);
      this.throttleUntil = now + tuning.minIntervalMs;
      this.deps.observe({ jobId, lane, result: 'dropped', code: failure.code });
      return;
    }
    this.streakStart ??= now;
    this.failures += 1;
    const retryInMs = failure.kind === 'rate-limited' ? failure.retryAfterMs : backoffMs(tuning, this.failures, this.deps.random);
    const giveUpAt = Math.max(this.streakStart, this.finalAt ?? this.streakStart) + tuning.giveUpAfterMs;
    if (now + retryInMs > giveUpAt) {
      this.source.abandon();
      this.failures = 0;
      this.streakStart = undefined;
      this.deps.observe({ jobId, lane, result: 'gave-up', code: failure.code });
      return;
    }
    this.blockedUntil = now + retryInMs;
    this.deps.observe({ jobId, lane, result: 'retry', reason: failure.kind === 'rate-limited' ? 'rate-limited' : 'failed', code: failure.code, retryInMs });
  }
}
