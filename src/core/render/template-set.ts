// A set of templates (built-ins plus overrides by file name), compiled once and reused by renders.
import { ErrorCode, NestorError } from '../errors.js';
import { closest } from 'fastest-levenshtein';
import { createEnv, type TemplateCompiler, type TemplateFn } from './safe-template.js';
import { runtimeError, templateError, type PartialUse } from './template-check.js';
import { fillTokens, type ValueTable } from './tokens.js';
import type { TemplateFile } from './types.js';
import { SkeletonCache } from './yaml-skeleton.js';

interface CompiledYaml {
  fn: TemplateFn;
  skeletons: SkeletonCache;
}

/** What one template rendered: plain documents, and the template's label for error messages. */
export interface RenderedDocs {
  docs: Record<string, unknown>[];
  template: string;
}

const isYaml = (name: string): boolean => /\.ya?ml$/.test(name);

export class TemplateSet {
  readonly files: ReadonlyMap<string, TemplateFile>;
  private readonly yamlTemplates = new Map<string, CompiledYaml>();
  private readonly textTemplates = new Map<string, (context: unknown) => string>();

  /**
   * Later files replace earlier ones of the same name (overrides after built-ins). `compile` is
   * `precompiledTemplate` when every file was compiled at build time, else `compileTemplate`
   * (template-compiler.ts, which loads Handlebars' compiler).
   */
  constructor(files: readonly TemplateFile[], compile: TemplateCompiler) {
    const byName = new Map<string, TemplateFile>();
    for (const f of files) byName.set(f.name, f);
    this.files = byName;
    const env = createEnv();
    const uses: { label: string; partials: readonly PartialUse[] }[] = [];
    const labelOf = (name: string): string => this.label(name);
    for (const f of byName.values()) {
      const label = templateLabel(f);
      const { spec, partials } = compile(f, label);
      const fn = env.template(spec);
      uses.push({ label, partials });
      if (!isYaml(f.name)) {
        this.textTemplates.set(f.name, fn);
        continue;
      }
      this.yamlTemplates.set(f.name, { fn, skeletons: new SkeletonCache(label, labelOf) });
      // Any YAML template can be included as a partial: `{{> anti-affinity-node}}`.
      env.registerPartial(partialName(f.name), fn);
    }
    const names = [...byName.keys()].filter(isYaml).map(partialName);
    for (const { label, partials } of uses) checkPartials(label, partials, names);
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  label(name: string): string {
    const f = this.files.get(name);
    return f ? templateLabel(f) : `${name} (missing)`;
  }

  /** Render a YAML template into plain documents, values inserted after parsing. */
  render(name: string, context: object): RenderedDocs {
    const t = this.yamlTemplates.get(name);
    if (!t) throw missing(name);
    const template = this.label(name);
    const table: ValueTable = { values: [], sites: [] };
    let text: string;
    try {
      text = t.fn(context, { data: { nestorValues: table } });
    } catch (e) {
      throw runtimeError(template, e);
    }
    const skeleton = t.skeletons.parse(text, table);
    try {
      const docs = skeleton.map((d) => fillTokens(d, table.values));
      return { docs: docs.filter(isObject), template };
    } catch (e) {
      if (e instanceof NestorError) throw new NestorError(e.code, `${template}: ${e.message}`, { cause: e });
      throw e;
    }
  }

  /** Render a plain-text template (nginx.conf). */
  renderText(name: string, context: object): string {
    const t = this.textTemplates.get(name);
    if (!t) throw missing(name);
    try {
      return t(context);
    } catch (e) {
      throw runtimeError(this.label(name), e);
    }
  }
}

export function templateLabel(f: TemplateFile): string {
  return `${f.path ?? f.name} (${f.origin})`;
}

const partialName = (file: string): string => file.replace(/\.ya?ml$/, '');

function checkPartials(label: string, partials: readonly PartialUse[], names: readonly string[]): void {
  for (const p of partials) {
    if (names.includes(p.name)) continue;
    const guess = names.length > 0 ? `; did you mean "${closest(p.name, [...names])}"?` : '';
    throw templateError(label, p.line, `partial "${p.name}" not found${guess} (any YAML template is a partial by its name)`);
  }
}

function missing(name: string): NestorError {
  return new NestorError(ErrorCode.RenderFailed, `template ${name} not found (neither built-in nor override)`);
}

function isObject(d: unknown): d is Record<string, unknown> {
  return d !== null && typeof d === 'object' && !Array.isArray(d);
}
