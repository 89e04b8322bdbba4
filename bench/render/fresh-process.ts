// One app-environment rendered as a CLI user gets it: a fresh `nestor render` process (bin/nestor:
// the startup snapshot when `npm run build` made one for this node, else the bundle), cold caches,
// the whole generated config read and checked, on the config written to a temporary folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeConfigFolder, type GeneratedConfig } from '../generate-config.js';

const NESTOR = fileURLToPath(new URL('../../../bin/nestor', import.meta.url));

export interface FreshRender {
  /** Runs one `nestor render <app> <env>`; returns its wall time in ms. */
  run(): number;
  close(): void;
}

export function openFreshRender(config: GeneratedConfig, app: string, env: string): FreshRender {
  const root = mkdtempSync(join(tmpdir(), 'nestor-bench-fresh-'));
  const dir = join(root, 'nestor-config');
  writeConfigFolder(dir, config);
  const childEnv = { ...process.env, ...config.processEnv, NESTOR_CONFIG: dir, NESTOR_STATE: join(root, 'state') };
  return {
    run() {
      const started = performance.now();
      const child = spawnSync(NESTOR, ['render', app, env], { env: childEnv, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const took = performance.now() - started;
      if (child.status !== 0) throw new Error(`nestor render ${app} ${env} failed (exit ${String(child.status)}): ${child.stderr}`);
      return took;
    },
    close: () => rmSync(root, { recursive: true, force: true }),
  };
}
