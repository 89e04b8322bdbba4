import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../../src/core/render/render-app.js';
import { toYaml } from '../../../src/core/render/to-yaml.js';
import type { KubeObject } from '../../../src/core/render/types.js';
import { builtinTemplates, pricing, SHA } from './configs.js';

const EVIL: Record<string, string> = {
  NEWLINE: 'a\nkind: Secret\nmetadata: {name: pwned}',
  COLON: 'key: value',
  SINGLE: "it's ' quoted",
  DOUBLE: 'say "hi" \\" end',
  MUSTACHE: '{{x}} {{{y}}} {{> deployment}}',
  DOCUMENT: '---\napiVersion: v1\nkind: Secret',
  COMMENT: '# x',
  TRAILING: 'v # not a comment',
  FLOW: '{ a: 1 }, [b]',
  ANCHOR: '&a *a !!binary',
  EMPTY: '',
  SPACES: '  padded  ',
  NUMBERISH: '0.30',
  BOOLISH: 'yes',
  UNDERSCORE: '1_000',
};

async function renderEvil(): Promise<KubeObject[]> {
  const config = pricing();
  config.variables = { app: EVIL };
  const [m] = renderApp({ app: 'pricing', env: 'production', config, templates: await builtinTemplates(), version: { sha: SHA } });
  return m?.objects ?? [];
}

describe('injection safety', () => {
  it('keeps every evil value as the exact string in the ConfigMap, with no extra key', async () => {
    const objects = await renderEvil();
    const configMap = objects.find((o) => o.kind === 'ConfigMap');
    expect(configMap?.['data']).toEqual(EVIL);
    expect(Object.keys(configMap ?? {}).sort()).toEqual(['apiVersion', 'data', 'kind', 'metadata']);
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Service', 'Deployment', 'HorizontalPodAutoscaler']);
  });

  it('survives the trip through multi-document YAML unchanged', async () => {
    const objects = await renderEvil();
    const back = yaml.loadAll(toYaml(objects));
    expect(back).toEqual(JSON.parse(JSON.stringify(objects)));
  });

  it('keeps an evil command as one argument of the shell', async () => {
    const config = pricing();
    const evil = 'node api.js\n  - name: injected\n---\nkind: Secret';
    config.processes = { web: evil };
    const [m] = renderApp({ app: 'pricing', env: 'production', config, templates: await builtinTemplates(), version: { sha: SHA } });
    const deployment = m?.objects.find((o) => o.kind === 'Deployment') as { spec: { template: { spec: { containers: { command: string[] }[] } } } } | undefined;
    expect(deployment?.spec.template.spec.containers).toHaveLength(1);
    expect(deployment?.spec.template.spec.containers[0]?.command).toEqual(['/bin/sh', '-c', evil]);
    expect(m?.objects).toHaveLength(4);
  });
});
