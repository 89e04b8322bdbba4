// The deadlines of waits that all last as long (every enqueue of the bot waits as long for the
// queue, every reply to a response_url as long for Slack), kept on one clock sleep: they fall due
// in the order they were set, so the lane sleeps until the earliest one still pending. A burst of
// commands then costs one timer and one AbortController, not one each (with an abort listener:
// about 15 µs of CPU per command). Times are read from the clock's monotonic time where it has
// one, so a wall clock set forward expires nothing early. When no deadline is pending the sleep
// is aborted, so no timer outlives the waits.
import { onePerClockAndPeriod, type Clock } from '../../../core/ports/clock.js';

interface Deadline {
  at: number;
  expire: () => void;
  done: boolean;
}

const COMPACT_AT = 1024;
const IDLE = Symbol('idle'); // abort() without a reason builds a DOMException, stack and all

export class DeadlineLane {
  private waiting: Deadline[] = [];
  private head = 0;
  private pending = 0;
  private sleeping: AbortController | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
  ) {}

  /** Calls `expire` once the lane's time has passed, unless the returned `cancel` came first. */
  add(expire: () => void): () => void {
    const deadline: Deadline = { at: this.now() + this.ms, expire, done: false };
    this.waiting.push(deadline);
    this.pending += 1;
    if (!this.sleeping) void this.run((this.sleeping = new AbortController()));
    return () => {
      if (deadline.done) return;
      deadline.done = true;
      this.pending -= 1;
      if (this.pending === 0) this.idle();
    };
  }

  private now(): number {
    return this.clock.monotonic ? this.clock.monotonic() : this.clock.now();
  }

  /** Deadlines set and neither expired nor cancelled. */
  get size(): number {
    return this.pending;
  }

  private idle(): void {
    this.sleeping?.abort(IDLE);
    this.sleeping = undefined;
    this.waiting = [];
    this.head = 0;
  }

  private async run(stop: AbortController): Promise<void> {
    for (;;) {
      while (this.waiting[this.head]?.done) this.head += 1;
      // A bot never idle would keep every deadline it ever set: drop the ones behind the head.
      if (this.head >= COMPACT_AT && this.head * 2 >= this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      const next = this.waiting[this.head];
      if (!next) return this.sleeping === stop ? this.idle() : undefined;
      const due = next.at;
      // Woken, the clock says `due` has come, whatever its time says (a test clock may not move).
      await this.clock.sleep(Math.min(this.ms, Math.max(0, due - this.now())), stop.signal);
      if (stop.signal.aborted) return; // idle: a later add starts a run of its own
      for (let d = this.waiting[this.head]; d && d.at <= due; d = this.waiting[++this.head]) {
        if (d.done) continue;
        d.done = true;
        this.pending -= 1;
        expireApart(d.expire);
      }
      if (this.pending === 0) return this.idle();
    }
  }
}

/** A throwing `expire` is thrown on its own, as from a timer of its own, and the lane goes on. */
function expireApart(expire: () => void): void {
  try {
    expire();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** The lane of waits of `ms` on `clock`, shared by every caller asking for the same. */
export const deadlineLane = onePerClockAndPeriod((clock, ms) => new DeadlineLane(clock, ms));
