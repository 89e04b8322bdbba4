// A helm chart equivalent to one app in one environment as Nestor renders it: one template per
// rendered object, in which every value is looked up in values.yaml (`index .Values "o3" "spec"
// "replicas"`), the keys written out as Nestor's templates write them. helm then does what
// `nestor render` does: reads values, fills templates in, and parses the result back.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Step = string | number;

function lookup(path: readonly Step[]): string {
  return `{{ index .Values ${path.map((s) => (typeof s === 'number' ? String(s) : JSON.stringify(s))).join(' ')} | toJson }}`;
}

const isMap = (v: Json): v is { [key: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Block YAML lines of `value`, its leaves replaced by lookups of `path` in the values. */
function templateLines(value: Json, path: readonly Step[], indent: string): string[] {
  const lines: string[] = [];
  const entries: [Step, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value as Record<string, Json>);
  for (const [step, child] of entries) {
    const head = typeof step === 'number' ? `${indent}-` : `${indent}${JSON.stringify(step)}:`;
    const at = [...path, step];
    const empty = (Array.isArray(child) && child.length === 0) || (isMap(child) && Object.keys(child).length === 0);
    if (empty) lines.push(`${head} ${Array.isArray(child) ? '[]' : '{}'}`);
    else if (Array.isArray(child) || isMap(child)) lines.push(head, ...templateLines(child, at, `${indent}  `));
    else lines.push(`${head} ${lookup(at)}`);
  }
  return lines;
}

/** Writes the chart into `dir` (a new folder); returns the chart's folder. */
export async function writeChart(dir: string, name: string, objects: readonly Json[]): Promise<string> {
  const chart = join(dir, name);
  await mkdir(join(chart, 'templates'), { recursive: true });
  await writeFile(join(chart, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`);
  const values: Record<string, Json> = {};
  for (const [i, object] of objects.entries()) {
    values[`o${i}`] = object;
    await writeFile(join(chart, 'templates', `o${i}.yaml`), `${templateLines(object, [`o${i}`], '').join('\n')}\n`);
  }
  // JSON is YAML: helm reads it as its values file.
  await writeFile(join(chart, 'values.yaml'), `${JSON.stringify(values, null, 1)}\n`);
  return chart;
}
