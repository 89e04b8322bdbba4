// The benches' goals in one format: whether each holds (at most, at least, under; unknown when its
// ratio says nothing), the lines a bench appends for `npm run bench`, and run-all's final summary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goalsSummary, parseGoalRecords, reportGoals, statusOf, type Goal } from '../../../bench/lib/goals.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';

afterAll(cleanupFixtures);

const goal = (ratio: number, bound: Goal['bound'], limit: number, invalid?: string): Goal => ({ name: 'x / y', ratio, bound, limit, ...(invalid ? { invalid } : {}) });

describe('bench goals', () => {
  it('holds within its bound, the limit included except for under; unknown without a ratio or with a reason', () => {
    expect([1.5, 1.51].map((r) => statusOf(goal(r, 'at most', 1.5)))).toEqual(['holds', 'MISSED']);
    expect([0.8, 0.79].map((r) => statusOf(goal(r, 'at least', 0.8)))).toEqual(['holds', 'MISSED']);
    expect([0.99, 1].map((r) => statusOf(goal(r, 'under', 1)))).toEqual(['holds', 'MISSED']);
    expect(statusOf(goal(Number.NaN, 'at most', 1.5))).toBe('unknown');
    expect(statusOf(goal(0.5, 'at most', 1.5, 'kustomize baseline skipped'))).toBe('unknown');
  });

  it('prints one table and a last line, and appends the goals as JSON lines that read back', () => {
    const file = join(tempDir('nestor-goals-'), 'goals.jsonl');
    const printed: string[] = [];
    const print = (text: string) => void printed.push(text);
    expect(reportGoals([{ name: 'p99 / bare', ratio: 1.2, bound: 'at most', limit: 1.5 }, { name: 'jobs/s / bare', ratio: 0.5, bound: 'at least', limit: 0.8 }], 'queue goals', { bench: 'queue', file, print })).toBe(false);
    expect(printed).toEqual([
      'queue goals\n  p99 / bare      1.20×  holds: at most 1.5×\n  jobs/s / bare  0.500×  MISSED: at least 0.8×\n',
      'goals met: no (1 of 2 hold)',
    ]);
    reportGoals([goal(Number.NaN, 'under', 1, 'kustomize baseline skipped')], 'render goal', { bench: 'render', file, print });
    const records = parseGoalRecords(readFileSync(file, 'utf8'));
    expect(records.map((r) => [r.bench, r.name, r.status])).toEqual([['queue', 'p99 / bare', 'holds'], ['queue', 'jobs/s / bare', 'MISSED'], ['render', 'x / y', 'unknown']]);
    expect(records[2]?.ratio).toBeNaN();
  });

  it('sums every bench\'s goals up: all hold only when each holds and no bench failed', () => {
    const records = parseGoalRecords([
      JSON.stringify({ bench: 'cli-start', name: 'nestor envs / helm template, time', ratio: 2.33, bound: 'at most', limit: 1.5, status: 'MISSED' }),
      JSON.stringify({ bench: 'yaml-emit', name: 'emitter / js-yaml dump, time', ratio: 0.2, bound: 'at most', limit: 0.5, status: 'holds' }),
    ].join('\n'));
    expect(goalsSummary(records, [])).toBe([
      'Goals (goal, ratio, holds/MISSED)',
      '  cli-start: nestor envs / helm template, time   2.33×  MISSED: at most 1.5×',
      '  yaml-emit: emitter / js-yaml dump, time       0.200×  holds: at most 0.5×',
      'all goals hold: no (1 of 2 hold)',
    ].join('\n'));
    expect(goalsSummary(records.slice(1), [])).toMatch(/\nall goals hold: yes \(1 of 1 hold\)$/);
    expect(goalsSummary(records.slice(1), ['queue.bench.js'])).toMatch(/\nall goals hold: no \(1 of 1 hold; failed, their goals may be missing: queue.bench.js\)$/);
    expect(goalsSummary([], [])).toBe('Goals: none reported\nall goals hold: no (0 of 0 hold)');
  });
});
