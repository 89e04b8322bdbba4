// BullMQ sets a queue up on its connection once, when the queue is made (it waits for the
// connection, then asks Redis's version): should the connection drop during that set-up (Redis
// restarting as a process starts), the queue fails every later command with that first error,
// the connection back or not, and the process would say it is ready while it is not. Such a queue
// is made anew at its next use. Each queue made gets a listener for its 'error' events: one
// without would throw.
export interface SetUpQueue {
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export class RenewedQueue<Q extends SetUpQueue> {
  private current: Q;
  private setUpFailed = false;

  constructor(
    private readonly make: () => Q,
    private readonly onError?: (error: unknown) => void,
  ) {
    this.current = this.watched(make());
  }

  /** The queue, made anew when the set-up of the one before failed. */
  get queue(): Q {
    if (this.setUpFailed) {
      this.setUpFailed = false;
      const failed = this.current;
      this.current = this.watched(this.make());
      void failed.close().catch(() => undefined);
    }
    return this.current;
  }

  private watched(queue: Q): Q {
    queue.on('error', (error) => this.onError?.(error));
    queue.waitUntilReady().catch(() => {
      if (this.current === queue) this.setUpFailed = true;
    });
    return queue;
  }
}
