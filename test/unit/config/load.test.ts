import { describe, expect, it } from 'vitest';
import { appConfig, appsOf, loadConfigTree, validateTree } from '../../../src/core/config/index.js';
import { ConfigError } from '../../../src/core/errors.js';
import { BASE_PROJECT, exampleConfigFiles, files } from '../../support/config-fixtures.js';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.keyPath ? `${p.keyPath}: ` : ''}${p.message}`);
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('the example nestor-config', () => {
  it('loads and validates clean in every environment', async () => {
    const tree = loadConfigTree(await exampleConfigFiles());
    expect([...tree.environments.keys()].sort()).toEqual(['dev1', 'dev2', 'dev3', 'production', 'shadow', 'staging']);
    expect(appsOf(tree, 'dev3')).toEqual(['gandalf', 'mary', 'pricing']);
    expect(validateTree(tree)).toEqual([]);
  });

  it('merges maps deeply, replaces lists, overrides scalars and deletes on null', async () => {
    const tree = loadConfigTree(await exampleConfigFiles());
    const { config } = appConfig(tree, 'mary', 'dev3');
    expect(config.processes).toEqual({ web: 'node server.js' });
    expect(Object.keys(config.crons ?? {})).toEqual(['purge']);
    expect(config.variables?.ope).toEqual({ NODE_ENV: 'development', SENTRY_DSN: '********' });
    expect(config.variables?.app).toEqual({ FEATURE_CHECKOUT: 'false', LOG_LEVEL: 'debug' });
    expect(config.domain).toBe('dev3.kapten.com');
    expect(config.deployments?.kubernetes?.map((c) => c.cluster_name)).toEqual(['kapten_dev_eu-w1']);
    expect(config.teams).toEqual(['security']);
    expect(config.approval).toBeUndefined();
  });
});

describe('planted errors', () => {
  it('reports every problem at once with file:line:col and what was expected', () => {
    const tree = files({
      'production/project.yaml': [...BASE_PROJECT, 'domian: typo.test'],
      'production/apps/api.yaml': [
        'app: api',
        'port: "eighty"',
        'resources:',
        '  web: { limits: { memory: 250MB } }',
        'crons:',
        '  purge: { schedule: "*/5 * * *", command: x }',
        'scales:',
        '  Web: { minReplicas: 1 }',
        'variables:',
        '  app: { OK: 1, BAD: [1, 2] }',
      ],
      'production/apps/broken.yaml': ['app: broken', 'port: [1'],
    });
    expect(problemsOf(() => loadConfigTree(tree))).toEqual([
      'production/apps/api.yaml:2:7: port: expected integer, got "eighty"',
      'production/apps/api.yaml:4:28: resources.web.limits.memory: expected a resource quantity such as 250Mi or 0.2, got "250MB"',
      'production/apps/api.yaml:6:22: crons.purge.schedule: invalid cron expression "*/5 * * *": expected five fields (minute hour day month weekday), got 4',
      'production/apps/api.yaml:8:3: scales.Web: invalid name "Web": expected a process name such as web, worker or default',
      'production/apps/api.yaml:10:22: variables.app.BAD: expected a string, number, boolean or null (maps and lists are not allowed), got a list',
      'production/apps/broken.yaml:3:1: invalid YAML: unexpected end of the stream within a flow collection',
      'production/project.yaml:8:1: domian: unknown key "domian" (did you mean "domain"?)',
    ]);
  });

  it('tells a project.yaml that is not YAML alone: not its apps as an environment without one, nor its children\'s missing parent', () => {
    const tree = files({
      'production/project.yaml': [...BASE_PROJECT, 'release: [unclosed'],
      'production/apps/api.yaml': ['app: api'],
      'dev/project.yaml': ['parent: production'],
    });
    expect(problemsOf(() => loadConfigTree(tree))).toEqual([
      `production/project.yaml:${BASE_PROJECT.length + 2}:1: invalid YAML: unexpected end of the stream within a flow collection`,
    ]);
  });

  it('names both files of a missing parent or a cycle', () => {
    expect(problemsOf(() => loadConfigTree(files({ 'production/project.yaml': BASE_PROJECT, 'dev/project.yaml': ['parent: prodution'] })))).toEqual([
      'dev/project.yaml:1:9: parent: parent environment "prodution" does not exist (no prodution/project.yaml); did you mean "production"?',
    ]);
    expect(problemsOf(() => loadConfigTree(files({ 'a/project.yaml': ['parent: b'], 'b/project.yaml': ['parent: a'] })))).toEqual([
      'a/project.yaml:1:9: parent: parent cycle: a/project.yaml → b/project.yaml → a/project.yaml',
      'b/project.yaml:1:9: parent: parent cycle: a/project.yaml → b/project.yaml → a/project.yaml',
    ]);
  });

  it('refuses names that are not DNS-1123 labels before reading them', () => {
    const tree = files({
      'production/project.yaml': BASE_PROJECT,
      'Prod/project.yaml': ['parent: production'],
      'production/apps/My_App.yaml': ['port: 1'],
      [`production/apps/${'a'.repeat(64)}.yaml`]: ['port: 1'],
    });
    const problems = problemsOf(() => loadConfigTree(tree));
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toContain('invalid environment name "Prod"');
    expect(problems.join('\n')).toContain('invalid app name "My_App"');
    expect(problems.join('\n')).toContain(`invalid app name "${'a'.repeat(64)}"`);
  });

  it('checks that env and app match their folder and file names', () => {
    const tree = files({ 'production/project.yaml': [...BASE_PROJECT.filter((l) => !l.startsWith('env')), 'env: prod'], 'production/apps/a.yaml': ['app: b'] });
    expect(problemsOf(() => loadConfigTree(tree))).toEqual([
      'production/apps/a.yaml:1:6: app: "b" does not match its file name "a"',
      'production/project.yaml:7:6: env: "prod" does not match its folder "production"',
    ]);
  });

  it('reports merged problems: missing required keys and min above max', () => {
    const tree = loadConfigTree(files({
      'production/project.yaml': ['project: acme', 'deployments: { kubernetes: [ { cluster_name: c } ] }'],
      'production/apps/a.yaml': ['scales:', '  web: { minReplicas: 4, maxReplicas: 2 }'],
    }));
    expect(validateTree(tree).map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`)).toEqual([
      'production/project.yaml:1:1: missing "domain" for app a: set it in this project.yaml or an ancestor\'s',
      'production/project.yaml:1:1: missing "docker.registries" for app a: set it in this project.yaml or an ancestor\'s',
      'production/apps/a.yaml:2:39: maxReplicas 2 is below minReplicas 4',
    ]);
  });

  it('says which app or environment is unknown, with a suggestion', async () => {
    const tree = loadConfigTree(await exampleConfigFiles());
    expect(() => appConfig(tree, 'marry', 'dev3')).toThrow('unknown app "marry" in environment "dev3"; did you mean "mary"?');
    expect(() => appConfig(tree, 'mary', 'dev4')).toThrow('unknown environment "dev4"; did you mean "dev1"?');
    expect(() => appConfig(tree, '../../x', 'dev3')).toThrow('invalid app name "../../x"');
    expect(() => appConfig(tree, 'mary', 'a/b')).toThrow('invalid environment name "a/b"');
  });
});
