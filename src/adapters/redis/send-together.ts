// Commands that must follow one another in one round trip: ioredis writes each command on its
// own (a syscall each, and a reply each before the next is read on Redis's side).
import type { Redis } from 'ioredis';

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
