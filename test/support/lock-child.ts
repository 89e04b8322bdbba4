// A separate process for the FileLocks test: waits at a start line until `peers` processes are
// there, then takes the lock `rounds` times and, under it, writes "enter <id>" then "exit <id>"
// to the log, with file I/O in between so that processes without mutual exclusion interleave.
// Prints how many times it had to wait behind another holder.
// Usage: node --import tsx lock-child.ts <dir> <key> <id> <log> <rounds> <peers>
import { appendFile, readFile } from 'node:fs/promises';
import { FileLocks } from '../../src/adapters/fs/file-locks.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import { withLock } from '../../src/core/release/with-lock.js';

const [dir = '', key = '', id = '', log = '', rounds = '1', peers = '1'] = process.argv.slice(2);
const start = `${log}.start`;
let waits = 0;
const options = {
  ttlMs: 10_000,
  waitMs: 20_000,
  pollMs: 1,
  clock: systemClock,
  onWaiting: () => void (waits += 1),
};

await appendFile(start, `${id}\n`);
while ((await readFile(start, 'utf8')).trim().split('\n').length < Number(peers)) {
  await new Promise((resolve) => setImmediate(resolve));
}
const locks = new FileLocks({ dir });
for (let round = 0; round < Number(rounds); round++) {
  await withLock(locks, key, { id: `${id}-${round}`, user: id, operation: 'test' }, options, async () => {
    await appendFile(log, `enter ${id}\n`);
    for (let i = 0; i < 5; i++) await readFile(log, 'utf8');
    await appendFile(log, `exit ${id}\n`);
  });
}
process.stdout.write(`${waits}\n`);
