// `npm run bench`: runs every dist/bench/*.bench.js, one child process after the other, and
// prints their output, then every goal the benches checked (bench/lib/goals.ts: each appends its
// goals to the file NESTOR_BENCH_GOALS names) in one table, and whether they all hold. Adding a
// benchmark = adding bench/<name>.bench.ts. Arguments filter by name: `node dist/bench/run-all.js
// render` runs only the benches whose file name contains "render".
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GOALS_FILE_VARIABLE, goalsSummary, parseGoalRecords } from './lib/goals.js';
import { timedAsync } from './lib/measure.js';
import { ms } from './lib/report.js';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);

function runBench(file: string, goalsFile: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, file)], { stdio: 'inherit', env: { ...process.env, [GOALS_FILE_VARIABLE]: goalsFile } });
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

const work = await mkdtemp(join(tmpdir(), 'nestor-bench-goals-'));
const goalsFile = join(work, 'goals.jsonl');
const results: { file: string; code: number; ms: number }[] = [];
try {
  for (const file of benches) {
    console.log(`\n=== ${file} ===\n`);
    const { value: code, ms: took } = await timedAsync(() => runBench(file, goalsFile));
    results.push({ file, code, ms: took });
  }

  console.log('\n=== summary ===');
  for (const r of results) console.log(`  ${r.file.padEnd(32)} ${r.code === 0 ? 'ok' : `exit ${r.code}`}  ${ms(r.ms)}`);

  const goals = parseGoalRecords(await readFile(goalsFile, 'utf8').catch(() => ''));
  console.log(`\n${goalsSummary(goals, results.filter((r) => r.code !== 0).map((r) => r.file))}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
