import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { appConfig, loadConfigTree } from '../../../src/core/config/index.js';
import { runCli } from '../../support/cli-run.js';
import { EXAMPLE_CONFIG_DIR, exampleConfigFiles } from '../../support/config-fixtures.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';

afterAll(() => cleanupFixtures());

const inExample = (argv: string[]) => runCli(argv, { cwd: join(EXAMPLE_CONFIG_DIR, '..') });

type Obj = { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: Record<string, unknown> };

describe('nestor validate', () => {
  it('is clean on the example config', async () => {
    const run = await inExample(['validate']);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toBe('ok: 6 environments, 18 app-environments rendered and valid\n');
  });

  it('lists every planted error with file:line:col, one a line, and exits 2 (bad input)', async () => {
    const dir = join(tempDir(), 'nestor-config');
    cpSync(EXAMPLE_CONFIG_DIR, dir, { recursive: true });
    const mary = join(dir, 'production/apps/mary.yaml');
    writeFileSync(mary, readFileSync(mary, 'utf8').replace('maxReplicas: 9', 'maxReplica: 9').replace('memory: 512Mi', 'memory: 512MB'));
    writeFileSync(join(dir, 'dev2/project.yaml'), 'env: dev2\nparent: [staging\n');
    writeFileSync(join(dir, 'templates/service.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: { name: "{{name}}" }\nspec: { ports: [ { port: nope } ] }\n');
    const run = await runCli(['validate', '--config', dir], { cwd: '/' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'dev2/project.yaml:3:1: invalid YAML: unexpected end of the stream within a flow collection',
      'production/apps/mary.yaml:13:41: resources.worker.limits.memory: expected a resource quantity such as 250Mi or 0.2, got "512MB"',
      'production/apps/mary.yaml:15:10: scales.web.maxReplica: unknown key "maxReplica" (did you mean "maxReplicas"?)',
      '3 problems',
    ]);
  });

  it('names a broken template override with the field', async () => {
    const dir = join(tempDir(), 'nestor-config');
    cpSync(EXAMPLE_CONFIG_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'templates/hpa.yaml'), readFileSync(join(EXAMPLE_CONFIG_DIR, '../templates/hpa.yaml'), 'utf8').replace('maxReplicas: {{maxReplicas}}', 'maxReplicas: "{{maxReplicas}} pods"'));
    const run = await runCli(['validate', '--config', dir], { cwd: '/' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/hpa\.yaml \(override\).*spec\.maxReplicas/);
  });
});

describe('nestor render', () => {
  it('prints manifests whose values match the merged config', async () => {
    const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
    const run = await inExample(['render', 'mary', 'dev3', '--version', sha]);
    expect(run.code).toBe(0);
    const objects = loadAll(run.stdout) as Obj[];
    const { config } = appConfig(loadConfigTree(await exampleConfigFiles()), 'mary', 'dev3');
    const byName = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/dev3', 'ConfigMap/mary', 'Service/mary', 'Deployment/mary-web', 'HorizontalPodAutoscaler/mary-web', 'Ingress/mary', 'CronJob/mary-purge',
    ]);
    const { SENTRY_DSN: _masked, ...plain } = { ...config.variables?.ope, ...config.variables?.app };
    expect(byName('ConfigMap', 'mary')?.data).toEqual(Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, String(v)])));
    const web = JSON.stringify(byName('Deployment', 'mary-web'));
    expect(web).toContain(`"image":"docker.com/kapten/mary:${sha}"`);
    expect(web).toContain('"secretKeyRef":{"name":"mary-secrets","key":"SENTRY_DSN"}');
    expect(byName('HorizontalPodAutoscaler', 'mary-web')?.spec).toMatchObject({ minReplicas: 1, maxReplicas: 1 });
    expect(JSON.stringify(byName('Ingress', 'mary'))).toContain('"host":"mary.dev3.kapten.com"');
  });

  it('takes processes from a Procfile when given', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Procfile'), 'web: node server.js\nmailer: node mailer.js\n');
    const run = await inExample(['render', 'pricing', 'staging', '--procfile', join(dir, 'Procfile')]);
    expect(run.code).toBe(0);
    expect((loadAll(run.stdout) as Obj[]).filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['pricing-web', 'pricing-mailer']);
  });

  it('lets an environment switch off a process the Procfile declares (`worker: null`)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Procfile'), 'web: node server.js\nworker: node worker.js\n');
    const deployments = async (env: string) => {
      const run = await inExample(['render', 'mary', env, '--procfile', join(dir, 'Procfile')]);
      return (loadAll(run.stdout) as Obj[]).filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    };
    expect(await deployments('dev2')).toEqual(['mary-web', 'mary-worker']);
    expect(await deployments('dev3')).toEqual(['mary-web']);
  });
});

describe('nestor config show and envs', () => {
  it('shows where each value came from', async () => {
    const run = await inExample(['config', 'show', 'mary', 'dev3', '--origin']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('LOG_LEVEL: debug # dev3/apps/mary.yaml:9\n');
    expect(run.stdout).toContain('FEATURE_CHECKOUT: "false" # staging/apps/mary.yaml:5\n');
    expect(run.stdout).toContain('teams: [ security ] # production/apps/mary.yaml:17\n');
  });

  it('draws environments under their parents', async () => {
    const run = await inExample(['envs']);
    expect(run.stdout).toBe([
      'production  (3 app files)', '├── shadow', '└── staging  (1 app file)', '    ├── dev1', '    ├── dev2', '    └── dev3  (1 app file)', '',
    ].join('\n'));
  });
});

describe('errors', () => {
  it('are one line without a stack, unless --debug', async () => {
    const run = await inExample(['render', 'marry', 'dev3']);
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'nestor: unknown app "marry" in environment "dev3"; did you mean "mary"?\n' });
    const debug = await inExample(['render', 'marry', 'dev3', '--debug']);
    expect(debug.stderr.split('\n')[0]).toBe('nestor: unknown app "marry" in environment "dev3"; did you mean "mary"?');
    expect(debug.stderr).toContain('at ');
  });

  it('finds the config from --config, then $NESTOR_CONFIG, then ./nestor-config', async () => {
    expect((await runCli(['envs'], { cwd: '/', env: { NESTOR_CONFIG: EXAMPLE_CONFIG_DIR } })).code).toBe(0);
    const missing = await runCli(['envs'], { cwd: '/' });
    expect(missing).toEqual({ code: 2, stdout: '', stderr: 'nestor: no nestor-config folder at /nestor-config (give --config DIR or set NESTOR_CONFIG)\n' });
  });

  it('suggests the closest command for a typo', async () => {
    const run = await inExample(['rendr']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'rendr'");
    expect(run.stderr).toContain('render');
  });
});
