// At most `size` operations at once per key (a cluster). An operation on several keys holds a
// slot on each, taken in name order, so two operations never each hold what the other waits for.

interface Key {
  free: number;
  waiting: (() => void)[];
}

export class Slots {
  private readonly keys = new Map<string, Key>();

  constructor(private readonly size: number) {}

  async run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const taken: Key[] = [];
    try {
      for (const name of [...new Set(keys)].sort()) taken.push(await this.take(name));
      return await fn();
    } finally {
      for (const key of taken.reverse()) this.give(key);
    }
  }

  private async take(name: string): Promise<Key> {
    let key = this.keys.get(name);
    if (!key) {
      key = { free: this.size, waiting: [] };
      this.keys.set(name, key);
    }
    if (key.free > 0) key.free -= 1;
    else await new Promise<void>((resolve) => key.waiting.push(resolve));
    return key;
  }

  /** A freed slot goes straight to the first waiting, if any. */
  private give(key: Key): void {
    const next = key.waiting.shift();
    if (next) next();
    else key.free += 1;
  }
}
