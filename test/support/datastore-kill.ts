// What the tests of a restore killed midway need: the restore in a process of its own (and its
// process group, so its pg_restore dies with it), a snapshot fed through a named pipe that stops
// halfway (the restore then waits, midway, for the rest: no timing involved), and a look at
// every process's argv for a password.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatastoreTarget } from '../../src/core/ports/datastores.js';

const CHILD = join(import.meta.dirname, 'datastore-restore-child.ts');

export interface RestoreChild {
  child: ChildProcess;
  /** Its exit code (null when killed by a signal) and what it printed. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** SIGKILL to the child and everything it started. */
  killAll(): void;
}

export function startRestoreChild(target: DatastoreTarget & { kind: 'postgresql' | 'redis' }, file: string, snapshotId: string): RestoreChild {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const { password, url } = target.connection as { url: string; password?: { reveal(): string } };
  child.stdin?.end(JSON.stringify({ kind: target.kind, env: target.env, name: target.name, url, password: password?.reveal(), file, snapshotId }));
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
  return { child, exited, killAll: () => process.kill(-child.pid!, 'SIGKILL') };
}

/**
 * A named pipe at `fifo` serving the first `fraction` of `file`'s bytes to the first reader,
 * then held open: the reader gets that much and waits for the rest. `close()` ends it.
 */
export async function halfFedPipe(fifo: string, file: string, fraction: number): Promise<{ close(): Promise<void> }> {
  const made = spawnSync('mkfifo', ['-m', '600', fifo]);
  if (made.status !== 0) throw new Error(`mkfifo ${fifo}: ${made.stderr.toString()}`);
  const bytes = (await readFile(file)).subarray(0, Math.floor((await stat(file)).size * fraction));
  const writer = open(fifo, 'w'); // resolves once a reader opens the pipe
  const written = writer.then((handle) => handle.write(bytes)).catch(() => undefined); // EPIPE: the reader was killed
  return {
    close: async () => {
      // A writer still waiting for its reader is let through by one that opens without waiting.
      const unblock = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      await unblock.close();
      await written;
      await (await writer).close();
    },
  };
}

/** Command lines of running processes that hold `secret`. */
export async function commandLinesHolding(secret: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    const line = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (line.includes(secret)) found.push(line.replaceAll('\0', ' '));
  }
  return found;
}
