/**
 * What pods printed, by `<namespace>/<pod>`: the logs the API serves. Each write is kept with
 * its time, so `sinceSeconds`/`sinceTime` select what a kubelet would, and a follower (`follow=true`)
 * gets every later write as it happens.
 */
export interface LogChunk {
  at: Date;
  text: string;
}

export interface Follower {
  write(chunk: LogChunk): void;
  /** The follow ends: the container ended (`dropped` false), or its connection was cut. */
  end(dropped: boolean): void;
}

export class PodLogBook {
  private readonly chunks = new Map<string, LogChunk[]>();
  private readonly followers = new Map<string, Set<Follower>>();

  constructor(private readonly now: () => Date) {}

  /** The whole log, or undefined when the pod printed nothing yet. */
  get(key: string): string | undefined {
    return this.chunks.get(key)?.map((c) => c.text).join('');
  }

  append(key: string, text: string): void {
    const chunk = { at: this.now(), text };
    const list = this.chunks.get(key) ?? [];
    list.push(chunk);
    this.chunks.set(key, list);
    for (const follower of this.followers.get(key) ?? []) follower.write(chunk);
  }

  /** Chunks written at or after `since` (all when undefined). */
  since(key: string, since: Date | undefined): LogChunk[] {
    const list = this.chunks.get(key) ?? [];
    return since ? list.filter((c) => c.at.getTime() >= since.getTime()) : [...list];
  }

  /** Ends every follow of the log: its container ended, or (`dropped`) their connections are cut. */
  endFollows(key: string, dropped: boolean): void {
    for (const follower of [...(this.followers.get(key) ?? [])]) follower.end(dropped);
  }

  /** Calls `follower` with each later write; returns the unsubscribe. */
  follow(key: string, follower: Follower): () => void {
    const set = this.followers.get(key) ?? new Set<Follower>();
    set.add(follower);
    this.followers.set(key, set);
    return () => {
      set.delete(follower);
      if (set.size === 0) this.followers.delete(key);
    };
  }
}
