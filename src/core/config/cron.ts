import { CronExpressionParser } from 'cron-parser';

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Why a Kubernetes CronJob schedule is invalid, or undefined when it is valid. */
export function cronProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  if (MACROS.has(trimmed)) return undefined;
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) return `expected five fields (minute hour day month weekday), got ${fields.length}`;
  try {
    CronExpressionParser.parse(trimmed);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
