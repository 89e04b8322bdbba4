// Port: time, the one source of it. Every module that reads the time or waits takes a Clock, so
// tests move time by hand (testkit/fakes/time/manual-clock.ts) or let the Kubernetes simulator
// settle (testkit/kube-sim/settling-clock.ts) instead of waiting for real.
export interface Clock {
  /** Milliseconds since the epoch: `new Date(clock.now())` for a date to print or store. */
  now(): number;
  /**
   * Milliseconds on a clock that never steps, to measure time between two moments; default now().
   * The machine's now() is wall time, which can jump when the system time is set.
   */
  monotonic?(): number;
  /**
   * Resolves after `ms`, or at once when `signal` aborts; never rejects (check the signal after).
   * `background`: the wait keeps no process alive by itself (a heartbeat's, which has nothing
   * left to do once the work around it has ended).
   */
  sleep(ms: number, signal?: AbortSignal, options?: { background?: boolean }): Promise<void>;
}

/** One `T` per clock and period, made when first asked for: shared by every caller on that clock at that period. */
export function onePerClockAndPeriod<T>(make: (clock: Clock, ms: number) => T): (clock: Clock, ms: number) => T {
  const made = new WeakMap<Clock, Map<number, T>>();
  return (clock, ms) => {
    let byPeriod = made.get(clock);
    if (!byPeriod) made.set(clock, (byPeriod = new Map()));
    let one = byPeriod.get(ms);
    if (one === undefined) byPeriod.set(ms, (one = make(clock, ms)));
    return one;
  };
}
