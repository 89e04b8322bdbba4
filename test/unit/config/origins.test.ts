import { describe, expect, it } from 'vitest';
import { withClusterPrecedence } from '../../../src/core/config/cluster-settings.js';
import { appConfig, loadConfigTree, originsOf, pathKey, positionOf, resolveReferences } from '../../../src/core/config/index.js';
import { ConfigError } from '../../../src/core/errors.js';
import { BASE_PROJECT, exampleConfigFiles, files } from '../../support/config-fixtures.js';

describe('provenance', () => {
  it('says which file and line every merged value came from', async () => {
    const config = appConfig(loadConfigTree(await exampleConfigFiles()), 'mary', 'dev3');
    const origins = originsOf(config);
    const where = (...path: string[]) => {
      const file = origins.get(pathKey(path))!;
      const { line } = positionOf(file, file.file.text, path);
      return `${file.file.path}:${line}`;
    };
    expect(where('variables', 'app', 'LOG_LEVEL')).toBe('dev3/apps/mary.yaml:9');
    expect(where('variables', 'app', 'FEATURE_CHECKOUT')).toBe('staging/apps/mary.yaml:5');
    expect(where('variables', 'ope', 'NODE_ENV')).toBe('dev3/project.yaml:12');
    expect(where('domain')).toBe('dev3/project.yaml:3');
    expect(where('git', 'origin')).toBe('production/apps/mary.yaml:2');
    expect(origins.has(pathKey(['processes', 'worker']))).toBe(false);
    expect(origins.has(pathKey(['variables', 'ope', 'METRICS_DESTINATION']))).toBe(false);
  });
});

describe('$NAME references', () => {
  const tree = () =>
    loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, 'variables:', '  ope: { TOKEN: $API_TOKEN, PLAIN: "$not a reference" }'],
      'production/apps/a.yaml': ['variables:', '  app: { DSN: $SENTRY_DSN }'],
    }));

  it('reads them from the process environment at render time', () => {
    const resolved = resolveReferences(appConfig(tree(), 'a', 'production'), { API_TOKEN: 't0k', SENTRY_DSN: 'https://x' });
    expect(resolved.variables).toEqual({ ope: { TOKEN: 't0k', PLAIN: '$not a reference' }, app: { DSN: 'https://x' } });
  });

  it('reports every missing one with its key and file', () => {
    try {
      resolveReferences(appConfig(tree(), 'a', 'production'), {});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.map((p) => `${p.file}:${p.line}: ${p.keyPath}: ${p.message}`)).toEqual([
        "production/project.yaml:9: variables.ope.TOKEN: $API_TOKEN is not set in Nestor's environment",
        "production/apps/a.yaml:2: variables.app.DSN: $SENTRY_DSN is not set in Nestor's environment",
      ]);
    }
  });
});

describe('cluster settings against app settings', () => {
  it('lets the closer environment win', async () => {
    const tree = loadConfigTree(await exampleConfigFiles());
    const dev3 = withClusterPrecedence(appConfig(tree, 'mary', 'dev3'));
    // dev3/apps/mary.yaml sets web itself; the worker scale from production is capped by dev3's default.
    expect(dev3.scales).toEqual({ web: { minReplicas: 1, maxReplicas: 1 } });
    const cluster = dev3.deployments!.kubernetes![0]!;
    expect(cluster.scales?.worker).toEqual({ minReplicas: 1, maxReplicas: 1 });
    expect(cluster.resources?.web).toEqual({ limits: { cpu: 0.1, memory: '200Mi' }, requests: { cpu: 0.2, memory: '250Mi' } });

    const production = withClusterPrecedence(appConfig(tree, 'mary', 'production'));
    expect(production.scales?.web).toEqual({ maxReplicas: 9, minReplicas: 3, targetCPUUtilizationPercentage: 75 });
    expect(production.deployments!.kubernetes![0]!.scales).toEqual({ web: { minReplicas: 3, maxReplicas: 3 } });
  });
});
