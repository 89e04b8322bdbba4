// The API server refuses a ConfigMap or Secret with more than 1 MiB of data: `nestor validate` and
// every render say so first, with the size, the object and the config file the values come from.
import { describe, expect, it } from 'vitest';
import { loadTemplateSet } from '../../../src/adapters/fs/templates.js';
import { loadConfigTree, positionOf, type ConfigFile } from '../../../src/core/config/index.js';
import { ConfigError, NestorError } from '../../../src/core/errors.js';
import { renderConfiguredApp } from '../../../src/core/render/render-configured-app.js';
import { validateAll } from '../../../src/core/render/validate-all.js';
import { BASE_PROJECT, files } from '../../support/config-fixtures.js';

const MIB = 1024 * 1024;
const STAGING = ['env: staging', 'parent: production', 'domain: staging.acme.test'];

function tree(appLines: string[], stagingApp: string[] = []): ConfigFile[] {
  return files({
    'production/project.yaml': BASE_PROJECT,
    'production/apps/api.yaml': ['app: api', 'git: { origin: /srv/api }', 'processes: { web: node server.js }', ...appLines],
    'staging/project.yaml': STAGING,
    ...(stagingApp.length > 0 ? { 'staging/apps/api.yaml': ['app: api', ...stagingApp] } : {}),
  });
}

async function render(config: ConfigFile[], secretValues?: Record<string, string>) {
  return renderConfiguredApp({
    tree: loadConfigTree(config), templates: await loadTemplateSet(), app: 'api', env: 'staging', version: { sha: '0123abc' }, environment: {},
    ...(secretValues ? { secretValues } : {}),
  });
}

async function errorOf(run: () => Promise<unknown>): Promise<NestorError> {
  const e = await run().then(() => undefined, (error: unknown) => error);
  if (e instanceof NestorError) return e;
  throw new Error(`expected a NestorError, got ${String(e)}`);
}

describe('a ConfigMap above 1 MiB', () => {
  const big = ['variables:', '  app:', '    SMALL: "1"', `    BLOB: "${'x'.repeat(MIB + 1)}"`];

  it('is reported once by validate, at the value, with its size and the object', async () => {
    const report = validateAll(tree(big), await loadTemplateSet(), {});
    expect(report.problems).toEqual([{
      file: 'production/apps/api.yaml', line: 7, col: 5, keyPath: 'variables.app.BLOB',
      message: 'this value alone is 1,048,577 bytes (1 MiB): the ConfigMap "api" of the variables would be above the API server\'s limit of 1,048,576 bytes (1 MiB) for a ConfigMap\'s data',
    }]);
  });

  it('refuses the render in one line naming the file', async () => {
    const e = await errorOf(() => render(tree(big)));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/^production\/apps\/api\.yaml:7:5: variables\.app\.BLOB: this value alone is 1,048,577 bytes/);
    expect(e.message).not.toContain('\n');
  });

  it('made of values from several files names each of the largest with its file and line', async () => {
    const half = 'y'.repeat(MIB / 2);
    const config = tree(['variables:', '  app:', `    FIRST: "${half}"`], ['variables:', '  ope:', `    SECOND: "${half}"`, '    THIRD: "z"']);
    const report = validateAll(config, await loadTemplateSet(), {});
    expect(report.problems).toEqual([expect.objectContaining({ file: 'production/apps/api.yaml', line: 6, keyPath: 'variables.app.FIRST' })]);
    expect(report.problems[0]?.message).toBe(
      'the variables of api in staging make its ConfigMap "api" 1,048,577 bytes (1 MiB), above the API server\'s limit of 1,048,576 bytes (1 MiB) for a ConfigMap\'s data; '
      + 'largest: FIRST 524,288 bytes (0.5 MiB) (production/apps/api.yaml:6), SECOND 524,288 bytes (0.5 MiB) (staging/apps/api.yaml:4), THIRD 1 bytes (staging/apps/api.yaml:5)',
    );
  });

  it('at exactly 1 MiB renders', async () => {
    const manifests = await render(tree(['variables:', '  app:', `    BLOB: "${'x'.repeat(MIB)}"`]));
    expect(manifests.clusters[0]?.objects.find((o) => o.kind === 'ConfigMap')?.['data']).toMatchObject({ BLOB: expect.any(String) });
  });
});

describe('a Secret above 1 MiB', () => {
  it('is refused at render with its name and size', async () => {
    const config = tree(['variables:', '  app:', '    TOKEN: "********"']);
    const e = await errorOf(() => render(config, { TOKEN: 'x'.repeat(MIB + 1) }));
    expect(e.code).toBe('render_failed');
    expect(e.message).toBe('Secret (built by Nestor): invalid Secret "api-secrets": data: 1,048,577 bytes (1 MiB), above the API server\'s limit of 1,048,576 bytes (1 MiB)');
  });
});

describe('positions in a very large file', () => {
  it('are found by a line scan instead of the slow YAML parser', () => {
    const text = `app: api\nvariables:\n  app:\n    OTHER: "1"\n  ope:\n    BLOB: "${'x'.repeat(2 * MIB)}"\n`;
    expect(positionOf({}, text, ['variables', 'ope', 'BLOB'])).toEqual({ line: 6, col: 5 });
    expect(positionOf({}, text, ['variables', 'missing'])).toEqual({ line: 2, col: 1 });
  });
});
