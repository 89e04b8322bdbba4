import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTemplateSet } from '../../../src/adapters/fs/templates.js';
import type { MergedConfig } from '../../../src/core/config/schema.js';
import { latencySeconds } from '../../../src/core/monitoring/alert-rules.js';
import { renderApp } from '../../../src/core/render/render-app.js';
import type { TemplateSet } from '../../../src/core/render/template-set.js';
import { toYaml } from '../../../src/core/render/to-yaml.js';
import { expectGolden } from '../../support/golden.js';
import { builtinTemplates, ledger, mary, MARY_CRONFILE, MARY_PROCFILE, SHA } from '../render/configs.js';

function render(config: MergedConfig, templates: TemplateSet, procfile?: string) {
  const [manifests] = renderApp({ app: config.app ?? '', env: 'production', config, templates, version: { sha: SHA }, procfile, cronfile: MARY_CRONFILE });
  return manifests?.objects ?? [];
}
const rulesOf = (objects: ReturnType<typeof render>) => objects.filter((o) => o.kind === 'PrometheusRule');

let configDir: string;
beforeEach(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'nestor-alert-rules-'));
  await mkdir(join(configDir, 'templates'));
});
afterEach(async () => {
  await rm(configDir, { recursive: true, force: true });
});

describe('alert rules (PrometheusRule) of an app', () => {
  it('are not rendered when project.yaml has no monitoring: section', async () => {
    expect(rulesOf(render(mary(), await builtinTemplates(), MARY_PROCFILE))).toEqual([]);
  });

  it("render mary's thresholds with the ingress-nginx defaults, for: and severity from criticity (golden)", async () => {
    const objects = render({ ...mary(), monitoring: null }, await builtinTemplates(), MARY_PROCFILE);
    const rules = rulesOf(objects);
    expect(rules).toHaveLength(1);
    expect(objects.at(-1)?.kind).toBe('PrometheusRule');
    await expectGolden('mary-production-prometheus-rule.yaml', toYaml(rules));
  });

  it('take the metric names and label matchers of monitoring:, and a worker-only app gets only the crash-loop rule', async () => {
    const monitoring = {
      requests_metric: 'istio_requests_total',
      latency_metric: 'istio_request_duration_seconds',
      status_label: 'response_code',
      selector: { destination_workload: '{{app}}-web', destination_workload_namespace: '{{namespace}}' },
    };
    const [rule] = rulesOf(render({ ...mary(), monitoring }, await builtinTemplates(), MARY_PROCFILE));
    const exprs = (rule?.['spec'] as { groups: { rules: { alert: string; expr: string }[] }[] }).groups[0]?.rules.map((r) => r.expr);
    expect(exprs?.[0]).toBe(
      'sum(rate(istio_requests_total{destination_workload="mary-web",destination_workload_namespace="production",response_code=~"2.."}[5m]))'
      + ' / sum(rate(istio_requests_total{destination_workload="mary-web",destination_workload_namespace="production"}[5m])) < 0',
    );
    const [workerRule] = rulesOf(render({ ...ledger(), monitoring: {} }, await builtinTemplates()));
    const alerts = (workerRule?.['spec'] as { groups: { rules: { alert: string }[] }[] }).groups[0]?.rules.map((r) => r.alert);
    expect(alerts).toEqual(['PodsCrashLooping']);
  });

  it('an override of prometheus-rule.yaml replaces the rules, and is validated against the PrometheusRule schema', async () => {
    const path = join(configDir, 'templates', 'prometheus-rule.yaml');
    await writeFile(path, [
      'apiVersion: monitoring.coreos.com/v1',
      'kind: PrometheusRule',
      'metadata: { name: "{{name}}-custom" }',
      'spec:',
      '  groups:',
      '    - name: custom',
      '      rules: [ { alert: Always, expr: vector(1) } ]',
      '',
    ].join('\n'));
    const [rule] = rulesOf(render({ ...mary(), monitoring: null }, await loadTemplateSet(configDir), MARY_PROCFILE));
    expect(rule?.metadata.name).toBe('mary-custom');
    expect(rule?.metadata.labels?.['app']).toBe('mary');
    expect(rule?.['spec']).toEqual({ groups: [{ name: 'custom', rules: [{ alert: 'Always', expr: 'vector(1)' }] }] });

    await writeFile(path, 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: { name: "{{name}}" }\nspec: { groups: [ { rules: [] } ] }\n');
    const broken = await loadTemplateSet(configDir);
    expect(() => render({ ...mary(), monitoring: null }, broken, MARY_PROCFILE)).toThrow(
      `${path} (override): invalid PrometheusRule "mary": spec.groups[0]: must have required property name`,
    );
  });

  it('reads a latency as seconds or a duration', () => {
    expect([latencySeconds('0.30'), latencySeconds(2), latencySeconds('300ms'), latencySeconds('2s'), latencySeconds('1m')]).toEqual([0.3, 2, 0.3, 2, 60]);
  });
});
