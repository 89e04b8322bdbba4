// Reads of the history asked while its clone is busy go together, in the next turn on the clone:
// a fleet of apps each asking for its own head, list or latest release costs a few git processes,
// not a few each one after the other. A batch fetches first unless a fetch began after the
// latest of its reads was asked (that one is as fresh as one of its own).
import type { HistoryRemoteSync } from './history-remote-sync.js';
import type { WorkClone } from './work-clone.js';

interface Asked<Ask, Answer> {
  ask: Ask;
  /** fetchesStarted when it was asked. */
  seen: number;
  resolve: (answer: Answer) => void;
  reject: (error: unknown) => void;
}

export class CloneReadBatches<Ask, Answer> {
  private asked: Asked<Ask, Answer>[] = [];
  private next: Promise<void> | undefined;

  /** `answer` runs on the clone, an answer for each read of the batch, in order. */
  constructor(
    private readonly clone: WorkClone,
    private readonly remote: HistoryRemoteSync,
    private readonly answer: (asks: readonly Ask[]) => Promise<Answer[]>,
  ) {}

  ask(ask: Ask): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.asked.push({ ask, seen: this.remote.fetchesStarted, resolve, reject });
      this.next ??= this.clone.exclusive(() => this.run()).catch((error: unknown) => {
        this.next = undefined;
        for (const read of this.asked.splice(0)) read.reject(error);
      });
    });
  }

  private async run(): Promise<void> {
    this.next = undefined;
    const batch = this.asked.splice(0);
    try {
      if (batch.some((read) => read.seen === this.remote.fetchesStarted)) await this.remote.sync();
      const answers = await this.answer(batch.map((read) => read.ask));
      batch.forEach((read, i) => read.resolve(answers[i]!));
    } catch (error) {
      for (const read of batch) read.reject(error);
    }
  }
}
