// `npm run bench`: runs every dist/bench/*.bench.js, one child process after the other, and
// prints their output. Adding a benchmark = adding bench/<name>.bench.ts. Arguments filter by
// name: `node dist/bench/run-all.js render` runs only the benches whose file name contains "render".
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedAsync } from './lib/measure.js';
import { ms } from './lib/report.js';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);

function runBench(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, file)], { stdio: 'inherit' });
    child.on('error', (e) => {
      console.error(`${file}: ${e.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const benches = (await readdir(here))
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();
if (benches.length === 0) console.log(`no *.bench.js in ${here}${filters.length ? ` matching ${filters.join(', ')}` : ''}`);

const results: { file: string; code: number; ms: number }[] = [];
for (const file of benches) {
  console.log(`\n=== ${file} ===\n`);
  const { value: code, ms: took } = await timedAsync(() => runBench(file));
  results.push({ file, code, ms: took });
}

console.log('\n=== summary ===');
for (const r of results) console.log(`  ${r.file.padEnd(32)} ${r.code === 0 ? 'ok' : `exit ${r.code}`}  ${ms(r.ms)}`);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
