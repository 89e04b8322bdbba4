// The goals a benchmark checks (issue 8's and the others'), printed in one format by every bench,
// and handed to `npm run bench` (run-all.ts) for its final summary: each goal is appended as a
// JSON line to the file NESTOR_BENCH_GOALS names, when run-all sets it.
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { table, times } from './report.js';

/** The variable run-all sets for its children: the file they append their goals to. */
export const GOALS_FILE_VARIABLE = 'NESTOR_BENCH_GOALS';

export type Bound = 'at most' | 'at least' | 'under';
export type GoalStatus = 'holds' | 'MISSED' | 'unknown';

export interface Goal {
  /** What is compared, e.g. `nestor envs / helm template, time`. */
  name: string;
  /** Nestor's figure over its baseline's. */
  ratio: number;
  bound: Bound;
  limit: number;
  /** Why the ratio says nothing this run (a baseline skipped, outputs that differ): the goal is then unknown. */
  invalid?: string;
}

export interface GoalRecord extends Goal {
  /** The bench that measured it: its file name without `.bench.js`. */
  bench: string;
  status: GoalStatus;
}

export function statusOf(goal: Goal): GoalStatus {
  if (goal.invalid !== undefined || !Number.isFinite(goal.ratio)) return 'unknown';
  const holds = goal.bound === 'at most' ? goal.ratio <= goal.limit : goal.bound === 'at least' ? goal.ratio >= goal.limit : goal.ratio < goal.limit;
  return holds ? 'holds' : 'MISSED';
}

/** `holds: at most 1.5×`, `unknown: kustomize skipped`. */
export function verdict(goal: Goal & { status: GoalStatus }): string {
  return `${goal.status}: ${goal.invalid ?? `${goal.bound} ${goal.limit}×`}`;
}

const benchName = (): string => basename(process.argv[1] ?? 'bench').replace(/\.bench\.[jt]s$/, '');

export interface ReportOptions {
  /** Default: this process's bench file name. */
  bench?: string;
  /** Where to append the goals as JSON lines; default: the file NESTOR_BENCH_GOALS names, if any. */
  file?: string;
  print?: (text: string) => void;
}

/** Prints the bench's goals as one table and a last line, and appends them to run-all's file. Returns whether all hold. */
export function reportGoals(goals: readonly Goal[], title = 'Goals', options: ReportOptions = {}): boolean {
  const { bench = benchName(), file = process.env[GOALS_FILE_VARIABLE], print = console.log } = options;
  const records: GoalRecord[] = goals.map((g) => ({ bench, ...g, status: statusOf(g) }));
  print(table(title, records.map((g) => [g.name, times(g.ratio), verdict(g)])));
  const allHold = records.every((g) => g.status === 'holds');
  print(`goals met: ${allHold ? 'yes' : 'no'} (${records.filter((g) => g.status === 'holds').length} of ${records.length} hold)`);
  if (file && records.length > 0) appendFileSync(file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return allHold;
}

/** The records a goals file holds, in order (JSON has no NaN: a ratio written as null comes back NaN). */
export function parseGoalRecords(text: string): GoalRecord[] {
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => {
    const record = JSON.parse(line) as GoalRecord;
    return { ...record, ratio: typeof record.ratio === 'number' ? record.ratio : Number.NaN };
  });
}

/** run-all's last words: every goal of the benches it ran, then whether all hold (not when a bench failed: its goals may be missing). */
export function goalsSummary(records: readonly GoalRecord[], failedBenches: readonly string[]): string {
  const held = records.filter((g) => g.status === 'holds').length;
  const unknown = records.filter((g) => g.status === 'unknown').length;
  const why = [
    `${held} of ${records.length} hold`,
    ...(unknown > 0 ? [`${unknown} unknown`] : []),
    ...(failedBenches.length > 0 ? [`failed, their goals may be missing: ${failedBenches.join(', ')}`] : []),
  ];
  const allHold = records.length > 0 && held === records.length && failedBenches.length === 0;
  const rows = records.map((g) => [`${g.bench}: ${g.name}`, times(g.ratio), verdict(g)] as const);
  return `${rows.length > 0 ? table('Goals (goal, ratio, holds/MISSED)', rows) : 'Goals: none reported\n'}all goals hold: ${allHold ? 'yes' : 'no'} (${why.join('; ')})`;
}
