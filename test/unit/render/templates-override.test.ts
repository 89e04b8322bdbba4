import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinTemplatesDir, loadTemplateSet } from '../../../src/adapters/fs/templates.js';
import { NestorError } from '../../../src/core/errors.js';
import { renderApp } from '../../../src/core/render/render-app.js';
import { renderEnvironment } from '../../../src/core/render/render-environment.js';
import type { TemplateSet } from '../../../src/core/render/template-set.js';
import { pricing, production, SHA } from './configs.js';

let configDir: string;
beforeEach(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'nestor-templates-'));
  await mkdir(join(configDir, 'templates'));
});
afterEach(async () => {
  await rm(configDir, { recursive: true, force: true });
});

async function override(name: string, text: string): Promise<string> {
  const path = join(configDir, 'templates', name);
  await writeFile(path, text);
  return path;
}

function renderPricing(templates: TemplateSet) {
  return renderApp({ app: 'pricing', env: 'production', config: pricing(), templates, version: { sha: SHA } });
}

function errorOf(fn: () => unknown): NestorError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NestorError) return e;
    throw e;
  }
  throw new Error('expected a NestorError');
}

const builtin = (name: string) => readFile(join(builtinTemplatesDir(), name), 'utf8');

describe('template overrides', () => {
  it('an override replaces the built-in of the same file name', async () => {
    const service = (await builtin('service.yaml')).replace('type: ClusterIP', 'type: NodePort');
    await override('service.yaml', service);
    const templates = await loadTemplateSet(configDir);
    expect(templates.files.get('service.yaml')?.origin).toBe('override');
    expect(templates.files.get('deployment.yaml')?.origin).toBe('built-in');
    const svc = renderPricing(templates)[0]?.objects.find((o) => o.kind === 'Service');
    expect((svc?.['spec'] as { type: string }).type).toBe('NodePort');
  });

  it('an override producing an invalid field names the file, its origin and the field', async () => {
    const path = await override('hpa.yaml', (await builtin('hpa.yaml')).replace('maxReplicas: {{maxReplicas}}', 'maxReplicas: many'));
    const templates = await loadTemplateSet(configDir);
    const e = errorOf(() => renderPricing(templates));
    expect(e.code).toBe('render_failed');
    expect(e.message).toBe(`${path} (override): invalid HorizontalPodAutoscaler "pricing-web": spec.maxReplicas: must be integer`);
    expect(e.message).not.toContain('\n');
  });

  it('an override with a misspelt field is refused with the field and what it was probably meant to be', async () => {
    const deployment = (await builtin('deployment.yaml')).replace('revisionHistoryLimit:', 'revisionHistoryLimits:');
    const path = await override('deployment.yaml', deployment);
    const templates = await loadTemplateSet(configDir);
    const e = errorOf(() => renderPricing(templates));
    expect(e.code).toBe('render_failed');
    expect(e.message).toBe(
      `${path} (override): invalid Deployment "pricing-web": spec.revisionHistoryLimits: unknown field (did you mean "revisionHistoryLimit"?)`,
    );
  });

  it('an unknown kind is refused', async () => {
    await override('service.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n');
    const templates = await loadTemplateSet(configDir);
    const e = errorOf(() => renderPricing(templates));
    expect(e.message).toMatch(/service\.yaml \(override\): invalid v1\/Pod "x": unsupported kind/);
  });

  it('a YAML syntax error names the template file and line', async () => {
    const path = await override('service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{name}}\n  labels: [ {{labels}}\nspec: {}\n');
    const templates = await loadTemplateSet(configDir);
    const e = errorOf(() => renderPricing(templates));
    expect(e.message).toMatch(new RegExp(`^${path} \\(override\\) line [56]: YAML syntax error`));
  });

  it('a Handlebars syntax error names the file and line when the set is loaded', async () => {
    const path = await override('service.yaml', 'metadata:\n  name: {{name}\n');
    await expect(loadTemplateSet(configDir)).rejects.toThrow(`${path} (override) line 2: template syntax error: Expecting 'CLOSE_RAW_BLOCK', 'CLOSE', 'CLOSE_UNESCAPED', 'OPEN_SEXPR', 'CLOSE_SEXPR', 'ID', 'OPEN_BLOCK_PARAMS', 'STRING', 'NUMBER', 'BOOLEAN', 'UNDEFINED', 'NULL', 'DATA', 'SEP', got 'INVALID'`);
  });

  // Each of these once failed at render with Handlebars internals ("Cannot read properties of
  // undefined (reading 'call')", "….call is not a function", "options.fn is not a function").
  const BAD_TEMPLATES: [string, string, string][] = [
    ['an unknown helper', 'metadata:\n  name: {{foo bar}}\n', 'line 2: "foo" is not a helper (helpers: each, if, lookup, unless, with), and a value takes no arguments'],
    ['a value called with arguments', 'kind: Service\nmetadata:\n  name: {{name app}}\n', 'line 3: "name" is not a helper (helpers: each, if, lookup, unless, with), and a value takes no arguments'],
    ['an unknown block helper', 'metadata:\n{{#foo bar}}\n  name: x\n{{/foo}}\n', 'line 2: "foo" is not a helper (helpers: each, if, lookup, unless, with), and a value takes no arguments'],
    ['a block helper used inline', 'metadata:\n  name: {{if name}}\n', 'line 2: if is a block helper: write {{#if …}}…{{/if}}'],
    ['a block without its argument', 'metadata:\n{{#if}}\n  name: x\n{{/if}}\n', 'line 2: #if takes exactly one argument, got 0'],
    ['Handlebars\' internal helper', 'metadata:\n  name: {{helperMissing 1}}\n', 'line 2: "helperMissing" is not a helper (helpers: each, if, lookup, unless, with), and a value takes no arguments'],
    ['a missing partial', 'metadata:\n  name: x\n{{> side-car}}\n', 'line 3: partial "side-car" not found; did you mean "service"? (any YAML template is a partial by its name)'],
    ['an unclosed block', 'metadata:\n{{#each labels}}\n  name: x\n', 'line 4: template syntax error: a block is not closed ({{/…}} missing)'],
    ['a mismatched block', 'metadata:\n{{#if name}}\n  name: x\n{{/each}}\n', 'line 2: template syntax error: if doesn\'t match each'],
    ['a decorator', 'metadata:\n  {{* deco}}\n', 'line 2: decorators are not supported'],
  ];
  for (const [what, text, message] of BAD_TEMPLATES) {
    it(`${what} is refused when the set is loaded, naming the file and line`, async () => {
      const path = await override('service.yaml', text);
      const e = await loadTemplateSet(configDir).then(() => undefined, (error: unknown) => error);
      expect(e).toBeInstanceOf(NestorError);
      expect((e as NestorError).code).toBe('render_failed');
      expect((e as NestorError).message).toBe(`${path} (override) ${message}`);
    });
  }

  it('a value missing from nginx.conf names the file and line', async () => {
    const path = await override('nginx.conf', 'events {}\n# {{environment}}\nserver_name {{hostname}};\n');
    const templates = await loadTemplateSet(configDir);
    expect(() => templates.renderText('nginx.conf', { environment: 'production' })).toThrow(`${path} (override) line 3: "hostname" is not defined`);
  });

  it('an override cannot move an object to another namespace', async () => {
    await override('service.yaml', (await builtin('service.yaml')).replace('  labels: {{labels}}', '  labels: {{labels}}\n  namespace: kube-system'));
    const templates = await loadTemplateSet(configDir);
    expect(() => renderPricing(templates)).toThrow(/not the target namespace "production"/);
  });

  it('namespace.yaml may render the environment\'s own Namespace, with labels of its own', async () => {
    await override('namespace.yaml', (await builtin('namespace.yaml')).replace('  labels: {{labels}}', '  labels: {{labels}}\n  annotations: { team: platform }'));
    const templates = await loadTemplateSet(configDir);
    const [ns] = renderEnvironment({ env: 'production', config: production(), apps: [], templates, release: 'r1' })[0]?.objects ?? [];
    expect(ns).toMatchObject({ kind: 'Namespace', metadata: { name: 'production', annotations: { team: 'platform' } } });
  });

  it('namespace.yaml rendering another namespace (kube-system) is refused, naming the file and the name', async () => {
    const path = await override('namespace.yaml', (await builtin('namespace.yaml')).replace('name: {{name}}', 'name: kube-system'));
    const templates = await loadTemplateSet(configDir);
    const e = errorOf(() => renderEnvironment({ env: 'production', config: production(), apps: [], templates, release: 'r1' }));
    expect(e.code).toBe('render_failed');
    expect(e.message).toBe(
      `${path} (override): renders Namespace "kube-system": only namespace.yaml may render a Namespace, and only the environment's own ("production")`,
    );
  });

  it('an app template rendering a Namespace is refused, even the environment\'s own (it would be pruned with the app)', async () => {
    const service = await builtin('service.yaml');
    for (const name of ['kube-system', 'production']) {
      const path = await override('service.yaml', `${service}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`);
      const templates = await loadTemplateSet(configDir);
      expect(errorOf(() => renderPricing(templates)).message).toBe(
        `${path} (override): renders Namespace "${name}": only namespace.yaml may render a Namespace, and only the environment's own ("production")`,
      );
    }
  });

  it('a near miss of a built-in name is refused, a new partial is allowed', async () => {
    await override('my-sidecar.yaml', 'name: sidecar\n');
    await expect(loadTemplateSet(configDir)).resolves.toBeDefined();
    await override('deploymnet.yaml', 'kind: Deployment\n');
    await expect(loadTemplateSet(configDir)).rejects.toThrow(/deploymnet\.yaml: not a built-in template name, did you mean deployment\.yaml\?/);
  });

  it('Nestor labels are put back when an override forgets them', async () => {
    await override('service.yaml', (await builtin('service.yaml')).replace('  labels: {{labels}}\n', ''));
    const templates = await loadTemplateSet(configDir);
    const svc = renderPricing(templates)[0]?.objects.find((o) => o.kind === 'Service');
    expect(svc?.metadata.labels).toMatchObject({ app: 'pricing', process: 'web', 'app.kubernetes.io/managed-by': 'nestor' });
  });
});

