// The in-memory DriftBoard: the fake for tests. Entries are kept as copies, as Redis keeps JSON.
import type { DriftBoard, DriftEntry } from '../../../core/ports/drift-board.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const copy = (entry: DriftEntry): DriftEntry => structuredClone(entry);

export class MemoryDriftBoard implements DriftBoard {
  private readonly boards = new Map<string, Map<string, DriftEntry>>();

  async publish(env: string, entries: ReadonlyMap<string, DriftEntry>): Promise<void> {
    await tick();
    let board = this.boards.get(env);
    if (!board) this.boards.set(env, (board = new Map()));
    for (const [app, entry] of entries) {
      const held = board.get(app);
      if (!held || held.checkedAt <= entry.checkedAt) board.set(app, copy(entry));
    }
  }

  async read(envs: readonly string[]): Promise<Map<string, Map<string, DriftEntry>>> {
    await tick();
    return new Map(envs.map((env) => [env, new Map([...(this.boards.get(env) ?? [])].map(([app, e]) => [app, copy(e)]))]));
  }
}
