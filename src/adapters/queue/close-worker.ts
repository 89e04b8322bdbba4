// Closing a BullMQ worker promptly after a Redis restart. BullMQ's close disconnects the worker's
// blocking connection and waits for its 'end'. An ioredis client disconnected while it waits out
// its reconnect delay (status 'reconnecting') drops that delay but never ends (redis/ioredis#1247),
// so the close waited forever whenever Redis had come back within the last reconnect delay (up to
// 2 s, and a busy machine reconnects later still). Such a client is made to connect now and is
// disconnected in the same tick: the connection is cancelled before it opens, and the client ends
// at once, quietly (ioredis drops the errors of a client it is closing).
import type { Worker } from 'bullmq';

type BlockingClient = Awaited<NonNullable<ReturnType<Worker['getBackend']>['blockingClient']>>;

/** `worker.close`, finishing the current jobs as it does, that does not hang just after a Redis restart. */
export function promptCloser<D, R>(worker: Worker<D, R>): () => Promise<void> {
  let blocking: BlockingClient | undefined;
  void worker.getBackend().blockingClient?.then((client) => (blocking = client), () => undefined);
  return () => {
    // Synchronously with close: nothing can put the client back to waiting in between.
    if (blocking?.status === 'reconnecting') {
      blocking.connect().catch(() => undefined);
      blocking.disconnect();
    }
    return worker.close();
  };
}
