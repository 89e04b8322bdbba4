// What a `nestor` process loads: a command imports only what it uses, so that `render`, `envs`
// and `help` start without the Kubernetes client, git, Redis, Slack or the job queue, while the
// commands that release still get them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG_DIR } from '../../support/config-fixtures.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const HEAVY = ['@kubernetes/client-node', '@slack/bolt', '@slack/web-api', 'bullmq', 'ioredis', 'simple-git', 'pino', 'octokit', '@aws-sdk/client-s3', '@aws-sdk/lib-storage'];

afterAll(() => cleanupFixtures());

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The npm packages the process loaded. */
  packages: Set<string>;
  /** The files of src/ it loaded, relative to src/. */
  sources: Set<string>;
}

function nestor(args: string[]): Run {
  const dir = tempDir('nestor-loads-');
  const record = join(dir, 'loads.txt');
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/support/record-loads.mjs', 'test/support/nestor-child.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, NESTOR_CONFIG: EXAMPLE_CONFIG_DIR, NESTOR_STATE: join(dir, 'state'), NESTOR_USER: 'tester', NESTOR_RECORD_LOADS: record },
  });
  const packages = new Set<string>();
  const sources = new Set<string>();
  for (const line of readFileSync(record, 'utf8').split('\n')) {
    const found = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
    if (found?.[1]) packages.add(found[1]);
    const source = /\/src\/(.+\.ts)$/.exec(line);
    if (source?.[1] && !line.includes('node_modules')) sources.add(source[1]);
  }
  return { status: child.status, stdout: child.stdout, stderr: child.stderr, packages, sources };
}

const heavyIn = (run: Run): string[] => HEAVY.filter((name) => run.packages.has(name));

describe('what a nestor command loads', () => {
  it('render validates and renders without the release runtime', () => {
    const run = nestor(['render', 'mary', 'production']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('kind: Deployment');
    // The checks stay: JSON Schema validation of the config, the models of each kind.
    expect(run.packages.has('ajv')).toBe(true);
    expect(run.packages.has('kubernetes-models')).toBe(true);
    expect(heavyIn(run)).toEqual([]);
    // The built-in templates come compiled from the build: Handlebars' compiler stays out.
    expect(run.sources.has('core/render/template-compiler.ts')).toBe(false);
  });

  it('envs, help and a bad argument load none of it either', () => {
    const runs = { envs: nestor(['envs']), help: nestor(['help']), deploy: nestor(['deploy']) };
    for (const [name, run] of Object.entries(runs)) expect(heavyIn(run), name).toEqual([]);
    expect(runs.envs.stdout).toContain('production');
    expect(runs.deploy.status).toBe(2);
  });

  it('help and a bad argument load neither the config checks nor the renderer nor a pipeline', () => {
    for (const args of [['--help'], ['deploy', 'Mary', 'main', 'dev3'], ['config', 'sett']]) {
      const run = nestor(args);
      const loaded = [...run.sources].filter((f) => /^core\/(config\/config-validators|render\/|release\/(deploy|scale|config-change))/.test(f));
      expect(loaded, args.join(' ')).toEqual([]);
      for (const name of ['ajv', 'kubernetes-models', 'handlebars', 'cron-parser']) expect(run.packages.has(name), `${args.join(' ')}: ${name}`).toBe(false);
    }
  });

  it('a command that reads the history gets the release runtime', () => {
    const run = nestor(['history', 'mary', 'production']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.packages.has('simple-git')).toBe(true);
  });
});
