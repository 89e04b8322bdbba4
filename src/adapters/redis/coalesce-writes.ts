// Commands sent in answer to replies go out in one socket write. ioredis writes each command
// on its own (one syscall each, on Nestor's side and Redis's), and a queue's work is mostly
// commands sent in answer to replies: a job ends and the next is fetched, a lock taken once the
// job is. While the replies read from the socket are handled (and the promises they settle run
// on), the socket is corked; it is uncorked once that is done (setImmediate: after this turn's
// I/O), so what was written meanwhile leaves in one writev, in order. Nothing is skipped or
// reordered; a command waits for the end of the turn at most. ioredis's auto-pipelining batches
// too but builds a pipeline per batch, which costs more CPU per job than it saves (README).
import type { Redis } from 'ioredis';

const coalesced = new WeakSet<Redis>();
const watched = new WeakSet<Redis['stream']>();

/** Coalesces the writes of `redis` made while its replies are handled, on every (re)connection. */
export function coalesceWrites(redis: Redis): void {
  if (coalesced.has(redis)) return;
  coalesced.add(redis);
  // Emitted before any reply is read: what the replies' promises send afterwards is corked.
  redis.on('connect', () => watch(redis.stream));
  if (redis.status === 'connect' || redis.status === 'ready') watch(redis.stream);
}

function watch(socket: Redis['stream']): void {
  if (watched.has(socket)) return;
  watched.add(socket);
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  socket.on('data', () => {
    if (corked) return;
    corked = true;
    socket.cork();
    setImmediate(uncork);
  });
}

/**
 * Runs `send`, which sends commands on `redis` at once (before any await), and lets them leave in
 * one socket write: one round trip for a command and the read that must follow it.
 */
export function sendTogether<T>(redis: Redis, send: () => T): T {
  const socket = redis.status === 'ready' ? redis.stream : undefined;
  socket?.cork();
  try {
    return send();
  } finally {
    socket?.uncork();
  }
}
