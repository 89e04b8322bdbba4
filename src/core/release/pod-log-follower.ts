// Follows the log of a one-off Job's pod while it runs, telling its new lines as they come, and
// keeps its end. A follow that dropped before the pod ended is started again from the time of
// the last line seen (`sinceTime`): the lines of that time already told are skipped by count, so
// a line is told once even when many share a timestamp.
import type { Cluster, PodLogLine } from '../ports/cluster.js';

/** A comparable key of an RFC 3339 time, to the nanosecond (the kubelet's precision). */
export function timeKey(at: string): bigint | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9})\d*)?(Z|[+-]\d\d:\d\d)$/.exec(at);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** Where a log was read to: the last time seen and how many lines of that time were told. */
export class LogCursor {
  private last: { at: string; key: bigint; count: number } | undefined;
  private resumed: { key: bigint; count: number; skipped: number } | undefined;

  /** The `sinceTime` of the next read (undefined before any stamped line). */
  get since(): string | undefined {
    return this.last?.at;
  }

  /** A new read starts: from `since`, so the lines of that time already told come again. */
  restart(): void {
    this.resumed = this.last ? { key: this.last.key, count: this.last.count, skipped: 0 } : undefined;
  }

  /** Whether `line` is new (and then counts it as told). */
  take(line: PodLogLine): boolean {
    const key = line.at === undefined ? undefined : timeKey(line.at);
    if (key === undefined) return true;
    const resumed = this.resumed;
    if (resumed && key < resumed.key) return false;
    if (resumed && key === resumed.key && resumed.skipped < resumed.count) {
      resumed.skipped += 1;
      return false;
    }
    if (this.last && this.last.key === key) this.last.count += 1;
    else this.last = { at: line.at!, key, count: 1 };
    return true;
  }
}

export interface PodLogFollowerOptions {
  /** New lines, as they come. */
  onLines?: (lines: string[]) => void;
  /** Lines of the end of the log kept (`tail`). */
  keep: number;
}

export class PodLogFollower {
  private readonly cursor = new LogCursor();
  private readonly kept: string[] = [];
  private open: AbortController | undefined;
  private following: Promise<void> | undefined;

  constructor(private readonly cluster: Cluster, private readonly namespace: string, private readonly options: PodLogFollowerOptions) {}

  /** Whether a follow is open (else `follow` starts one). */
  get isOpen(): boolean {
    return this.open !== undefined;
  }

  /** The last `keep` lines told. */
  get tail(): string[] {
    return [...this.kept];
  }

  /**
   * Follows `pod` unless a follow is open already; it runs in the background. A follow that
   * cannot start yet (the container is still being created) is tried again at the next call.
   */
  follow(pod: string, container: string): void {
    if (this.open) return;
    const stop = new AbortController();
    this.open = stop;
    this.following = this.read(pod, container, true, stop.signal)
      .catch(() => undefined)
      .finally(() => {
        if (this.open === stop) this.open = undefined;
      });
  }

  /** After the pod ended: ends the follow, then reads (once, without follow) what it has not told yet. */
  async finish(pod: string, container: string): Promise<void> {
    this.stop();
    await this.following;
    await this.read(pod, container, false);
  }

  stop(): void {
    this.open?.abort();
    this.open = undefined;
  }

  private async read(pod: string, container: string, follow: boolean, signal?: AbortSignal): Promise<void> {
    this.cursor.restart();
    const since = this.cursor.since;
    await this.cluster.streamPodLog(this.namespace, pod, {
      container, follow, ...(since ? { sinceTime: since } : {}), ...(signal ? { signal } : {}),
      onLines: (lines) => this.told(lines.filter((l) => this.cursor.take(l)).map((l) => l.text)),
    });
  }

  private told(lines: string[]): void {
    if (lines.length === 0) return;
    this.kept.push(...lines);
    if (this.kept.length > this.options.keep) this.kept.splice(0, this.kept.length - this.options.keep);
    this.options.onLines?.(lines);
  }
}
