import { describe, expect, it } from 'vitest';
import { appConfig, loadConfigTree } from '../../../src/core/config/index.js';
import { renderApp } from '../../../src/core/render/render-app.js';
import { BASE_PROJECT, files, problemsOf } from '../../support/config-fixtures.js';
import { builtinTemplates, SHA } from '../render/configs.js';

describe('alert thresholds in templateVars', () => {
  it('accepts ratios and latencies as numbers, numeric strings or durations', () => {
    const tree = files({
      'production/project.yaml': [...BASE_PROJECT, 'monitoring: { status_label: status }'],
      'production/apps/api.yaml': [
        'app: api',
        'templateVars:',
        '  tplCriticity: high',
        '  tplTeam: security',
        '  tplWeb2xxThreshold: "0.99"',
        '  tplWeb50thLatencyThreshold: "0.30"',
        '  tplWeb95thLatencyThreshold: 2s',
      ],
      'production/apps/web.yaml': ['app: web', 'templateVars: { tplWeb2xxThreshold: 1, tplWeb95thLatencyThreshold: 300ms }'],
    });
    expect(loadConfigTree(tree).environments.size).toBe(1);
  });

  it('reports a mistyped key, a ratio above 1 and a latency of "fast" with file:line', () => {
    const tree = files({
      'production/project.yaml': [...BASE_PROJECT, 'monitoring:', '  status_labl: status'],
      'production/apps/api.yaml': [
        'app: api',
        'templateVars:',
        '  tplWeb2xxTreshold: "0.99"',
        '  tplWeb50thLatencyThreshold: fast',
        '  tplWeb95thLatencyThreshold: 1.5',
      ],
      'production/apps/web.yaml': ['app: web', 'templateVars: { tplWeb2xxThreshold: "1.5" }'],
    });
    expect(problemsOf(() => loadConfigTree(tree))).toEqual([
      'production/apps/api.yaml:3:3: templateVars.tplWeb2xxTreshold: unknown key "tplWeb2xxTreshold" (did you mean "tplWeb2xxThreshold"?)',
      'production/apps/api.yaml:4:31: templateVars.tplWeb50thLatencyThreshold: expected a latency in seconds (0.3) or a duration (300ms, 2s, 1m), got "fast"',
      'production/apps/web.yaml:2:37: templateVars.tplWeb2xxThreshold: expected a ratio from 0 to 1 such as 0.99, got "1.5"',
      'production/project.yaml:9:3: monitoring.status_labl: unknown key "status_labl" (did you mean "status_label"?)',
    ]);
  });

  it('monitoring: {} in project.yaml turns the rules on for its apps and its children; a child sets it to null to turn them off', async () => {
    const tree = loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, 'monitoring: {}'],
      'production/apps/api.yaml': ['app: api', 'processes: { web: node server.js }', 'templateVars: { tplWeb95thLatencyThreshold: 300ms }'],
      'staging/project.yaml': ['parent: production', 'env: staging'],
      'quiet/project.yaml': ['parent: production', 'env: quiet', 'monitoring: null'],
    }));
    const templates = await builtinTemplates();
    const alerts = (env: string) => renderApp({ app: 'api', env, config: appConfig(tree, 'api', env).config, templates, version: { sha: SHA } })
      .flatMap((m) => m.objects.filter((o) => o.kind === 'PrometheusRule'))
      .flatMap((o) => (o['spec'] as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules));
    expect(alerts('staging').map((r) => r.alert)).toEqual(['WebLatencyP95High', 'PodsCrashLooping']);
    expect(alerts('staging')[0]?.expr).toContain('ingress="api"}[5m]))) > 0.3');
    expect(alerts('quiet')).toEqual([]);
  });
});
