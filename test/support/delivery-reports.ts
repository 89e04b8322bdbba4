// Records what the Slack notifier reports about its deliveries, and waits on it: tests
// synchronise on "the 429 was answered" or "the second retry is scheduled", never on sleeps.
import type { DeliveryReport } from '../../src/adapters/slack/notifier/index.js';

type Match = (r: DeliveryReport) => boolean;

export class DeliveryReports {
  readonly list: DeliveryReport[] = [];
  private waiters: { match: Match; count: number; resolve: (r: DeliveryReport) => void }[] = [];

  readonly observe = (report: DeliveryReport): void => {
    this.list.push(report);
    for (const w of [...this.waiters]) {
      const seen = this.list.filter(w.match);
      if (seen.length < w.count) continue;
      this.waiters = this.waiters.filter((x) => x !== w);
      w.resolve(seen[w.count - 1]!);
    }
  };

  count(match: Match): number {
    return this.list.filter(match).length;
  }

  /** Resolves with the `count`-th report (past or future) matching `match`. */
  waitFor(match: Match, count = 1): Promise<DeliveryReport> {
    const seen = this.list.filter(match);
    if (seen.length >= count) return Promise.resolve(seen[count - 1]!);
    return new Promise((resolve) => this.waiters.push({ match, count, resolve }));
  }
}

export const statusSent: Match = (r) => r.lane === 'status' && r.result === 'sent';
export const retried: Match = (r) => r.result === 'retry';
