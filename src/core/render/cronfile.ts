// Cronfile: crontab lines `<min> <hour> <day> <month> <weekday> <command>` (or `@daily <command>`).
import { cronProblem } from '../config/cron.js';
import { ConfigError, type ConfigProblem } from '../errors.js';

export interface CronEntry {
  /** Derived from the command (`node jobs/purge.js` → `purge`); unique within the file. */
  name: string;
  schedule: string;
  command: string;
  line: number;
}

const CRON_FIELD = /^[0-9*/,?LW#-]+$/;
const INTERPRETERS = new Set(['node', 'nodejs', 'python', 'python3', 'ruby', 'bash', 'sh', 'npm', 'npx', 'yarn', 'pnpm',
  'bundle', 'php', 'java', 'deno', 'bun', 'exec', 'run', 'rake', '-m']);

export function parseCronfile(text: string, file = 'Cronfile'): CronEntry[] {
  const entries: CronEntry[] = [];
  const problems: ConfigProblem[] = [];
  const used = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') return problems.push({ file, line: i + 1, col: 1, keyPath: '', message: parsed });
    const name = uniqueName(cronName(parsed.command), used);
    entries.push({ name, ...parsed, line: i + 1 });
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return entries;
}

/** A schedule and command, or what is wrong with the line. */
function parseLine(line: string): { schedule: string; command: string } | string {
  const words = line.split(/\s+/);
  const fieldCount = words[0]?.startsWith('@') ? 1 : 5;
  const macroProblem = fieldCount === 1 ? cronProblem(words[0] ?? '') : undefined;
  if (macroProblem) return macroProblem;
  const schedule = words.slice(0, fieldCount).join(' ');
  const command = words.slice(fieldCount).join(' ');
  if (words.length <= fieldCount) return 'expected `<minute> <hour> <day> <month> <weekday> <command>`';
  if (fieldCount === 5 && CRON_FIELD.test(words[5] ?? '')) {
    return 'the schedule has more than 5 fields (Kubernetes CronJobs have no seconds field)';
  }
  const problem = scheduleProblem(schedule);
  return problem ?? { schedule, command };
}

/** A schedule's problem as the renderer reports it (config `crons:` and Cronfile lines alike). */
export function scheduleProblem(schedule: string): string | undefined {
  const problem = cronProblem(schedule);
  return problem === undefined ? undefined : `invalid schedule "${schedule}": ${problem}`;
}

/** `node jobs/purge.js` → `purge`; `npm run report -- --daily` → `report-daily`. */
export function cronName(command: string): string {
  const words = command.split(/\s+/).filter((w) => !w.startsWith('-') || w.length > 2);
  while (words.length > 1 && INTERPRETERS.has(words[0] ?? '')) words.shift();
  const slug = words
    .slice(0, 3)
    .map((w) => (w.split('/').pop() ?? w).replace(/\.[a-z0-9]+$/i, ''))
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30)
    .replace(/-+$/, '');
  return /^[a-z]/.test(slug) ? slug : `cron-${slug || 'job'}`.replace(/-+$/, '');
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
  used.add(name);
  return name;
}
