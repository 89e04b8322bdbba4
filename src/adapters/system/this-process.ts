// This process as a lock holder: its host name and pid, and whether another pid of this host
// runs (signal 0 checks without sending anything; EPERM means it runs under another user).
import { hostname } from 'node:os';
import type { LockProcess } from '../../core/ports/locks.js';

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true; // 0 and below name process groups: unknown, so alive
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function thisProcess(): LockProcess {
  return { host: hostname(), pid: process.pid, isAlive: isProcessAlive };
}
