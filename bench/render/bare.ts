// The bare in-process baseline of PERF.md: js-yaml parse of every file, a plain deep merge per
// app-environment, precompiled Handlebars to YAML text; optionally parsed back to objects.
// No validation, no provenance, no checks: the floor Nestor's overhead is measured against.
import Handlebars from 'handlebars';
import yaml from 'js-yaml';
import type { GeneratedConfig } from '../generate-config.js';
import { timed } from '../lib/measure.js';
import { BARE_TEMPLATES } from './bare-templates.js';

type Map_ = Record<string, unknown>;
type Template = (context: object) => string;

export interface BareRun {
  parseMs: number;
  renderMs: number;
  parseBackMs: number;
  appEnvs: number;
  objects: number;
}

const isMap = (v: unknown): v is Map_ => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge(target: Map_, source: Map_): Map_ {
  for (const [key, value] of Object.entries(source)) {
    if (value === null) delete target[key];
    else if (isMap(value)) target[key] = deepMerge(isMap(target[key]) ? (target[key] as Map_) : {}, value);
    else target[key] = value;
  }
  return target;
}

export function compileBare(): Record<string, Template> {
  const hb = Handlebars.create();
  hb.registerHelper('json', (v: unknown) => JSON.stringify(v ?? null));
  return Object.fromEntries(Object.entries(BARE_TEMPLATES).map(([k, t]) => [k, hb.compile(t, { noEscape: true, strict: false })]));
}

const pick = (m: unknown, ...keys: string[]): unknown => {
  for (const k of keys) if (isMap(m) && m[k] !== undefined) return m[k];
  return undefined;
};

/** The YAML text of one app in one environment from its merged config. */
function renderApp(t: Record<string, Template>, c: Map_, app: string, env: string, sha: string): string {
  const cluster = ((c['deployments'] as Map_)['kubernetes'] as Map_[])[0]!;
  const registries = (c['docker'] as Map_)['registries'] as Record<string, Map_[]>;
  const [host, [registry]] = Object.entries(registries)[0]!;
  const image = `${host}/${String(registry!['organization'])}/${app}:${sha}`;
  const labels = { app, 'app.kubernetes.io/managed-by': 'nestor', 'nestor.io/environment': env };
  const data: Record<string, string> = {};
  const secrets: string[] = [];
  for (const group of Object.values((c['variables'] as Record<string, Map_>) ?? {})) {
    for (const [k, v] of Object.entries(group ?? {})) {
      if (v === '********') secrets.push(k);
      else data[k] = String(v);
    }
  }
  const base = { app, env, image, labels, secrets, domain: c['domain'] };
  const out = [t['namespace']!(base), t['configMap']!({ ...base, data }), t['secret']!({ ...base, data: Object.fromEntries(secrets.map((s) => [s, 'c2VjcmV0'])) })];
  for (const [process, command] of Object.entries((c['processes'] as Map_) ?? {})) {
    if (typeof command !== 'string') continue;
    const scale = (pick(c['scales'], process) ?? pick(cluster['scales'], process, 'default')) as Map_ | undefined;
    const resources = pick(c['resources'], process) ?? pick(cluster['resources'], process, 'default');
    const nodeSelector = pick(cluster['nodeSelector'], process, 'default');
    const ctx = { ...base, process, command: `exec ${command}`, replicas: scale?.['minReplicas'] ?? 1, scale, resources, nodeSelector };
    out.push(t['deployment']!(ctx));
    if (process === 'web') out.push(t['service']!(ctx), t['ingress']!(ctx));
    if (scale) out.push(t['hpa']!(ctx));
  }
  for (const [name, cron] of Object.entries((c['crons'] as Record<string, Map_>) ?? {})) {
    if (cron) out.push(t['cronJob']!({ ...base, name, schedule: cron['schedule'], command: cron['command'] }));
  }
  return out.map((doc) => `---\n${doc}`).join('');
}

/** Parse and render are timed apart from parsing the text back (PERF.md gives both). */
export function runBare(config: GeneratedConfig, templates: Record<string, Template>): BareRun {
  const parse = timed(() => {
    const projects = new Map<string, Map_>();
    const apps = new Map<string, Map<string, Map_>>();
    for (const f of config.files) {
      const [env, second, file] = f.path.split('/') as [string, string, string?];
      const data = (yaml.load(f.text) ?? {}) as Map_;
      if (second === 'project.yaml') projects.set(env, data);
      else apps.set(env, (apps.get(env) ?? new Map<string, Map_>()).set(file!.replace(/\.yaml$/, ''), data));
    }
    return { projects, apps };
  });
  const { projects, apps } = parse.value;
  const chain = (env: string): string[] => {
    const parent = projects.get(env)?.['parent'];
    return typeof parent === 'string' ? [...chain(parent), env] : [env];
  };
  const texts: string[] = [];
  const render = timed(() => {
    for (const env of config.environments) {
      const envs = chain(env);
      for (const app of config.apps) {
        const merged: Map_ = {};
        for (const e of envs) deepMerge(merged, projects.get(e)!);
        for (const e of envs) deepMerge(merged, apps.get(e)?.get(app) ?? {});
        texts.push(renderApp(templates, merged, app, env, '3f9c2d17e4b5a6c8d9e0f1a2b3c4d5e6f7a8b9c0'));
      }
    }
  });
  let objects = 0;
  const back = timed(() => {
    for (const text of texts) objects += yaml.loadAll(text).length;
  });
  return { parseMs: parse.ms, renderMs: render.ms, parseBackMs: back.ms, appEnvs: texts.length, objects };
}
