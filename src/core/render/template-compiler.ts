// Compiles templates: parse, check (template-check.ts), rewrite every `{{expr}}` of a YAML
// template into a VALUE_HELPER call carrying its site, then Handlebars' code generation. Runs at
// build time for the built-in templates (scripts/precompiled-templates-source.ts) and in a
// process only for a template that was not precompiled (an override, an edited built-in).
import Handlebars from 'handlebars';
import { precompiledTemplate, VALUE_HELPER, type PrecompiledTemplate } from './safe-template.js';
import { checkTemplate, syntaxError, type PartialUse } from './template-check.js';
import { TemplateSet } from './template-set.js';
import { siteKey } from './tokens.js';
import type { TemplateFile } from './types.js';

type Program = hbs.AST.Program;
type Statement = hbs.AST.Statement;
type Mustache = hbs.AST.MustacheStatement;

const isYaml = (name: string): boolean => /\.ya?ml$/.test(name);

/** The JavaScript source of the template's spec (Handlebars.precompile), and the partials it names. */
export function precompileSource(file: TemplateFile, label: string): { source: string; partials: PartialUse[] } {
  const program = parse(file.text, label);
  const partials = checkTemplate(program, label);
  // Plain-text templates (nginx.conf) take no tokens: their values must already be validated names.
  if (!isYaml(file.name)) return { source: Handlebars.precompile(program, { noEscape: true, strict: true }) as string, partials };
  transformProgram(program, file.name);
  return { source: Handlebars.precompile(program, { noEscape: true, knownHelpers: { [VALUE_HELPER]: true } }) as string, partials };
}

/** The built-in's compiled form when its text is the one built, else compiled now. */
export function compileTemplate(file: TemplateFile, label: string): PrecompiledTemplate {
  const built = precompiledTemplate(file);
  if (built) return built;
  const { source, partials } = precompileSource(file, label);
  // The same evaluation Handlebars.compile does of the code it generates.
  return { spec: new Function(`return ${source}`)() as TemplateSpecification, partials };
}

/** Built-ins first, then overrides: an override replaces the built-in of the same file name. */
export function createTemplateSet(builtins: readonly TemplateFile[], overrides: readonly TemplateFile[] = []): TemplateSet {
  return new TemplateSet([...builtins, ...overrides], compileTemplate);
}

function parse(text: string, label: string): Program {
  try {
    return Handlebars.parse(text);
  } catch (e) {
    throw syntaxError(label, e);
  }
}

function transformProgram(program: Program | undefined, template: string): void {
  if (!program) return;
  program.body = program.body.map((s) => transformStatement(s, template));
}

function transformStatement(s: Statement, template: string): Statement {
  const node = s as Statement & { type: string; program?: Program; inverse?: Program };
  if (node.type === 'MustacheStatement') return wrapMustache(s as Mustache, template);
  transformProgram(node.program, template);
  transformProgram(node.inverse, template);
  return s;
}

function wrapMustache(m: Mustache, template: string): Mustache {
  const key = siteKey(template, m.loc.start.line);
  const site: hbs.AST.StringLiteral = { type: 'StringLiteral', value: key, original: key, loc: m.loc };
  const hasArgs = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0;
  const inner: hbs.AST.Expression = hasArgs
    ? ({ type: 'SubExpression', path: m.path, params: m.params, hash: m.hash, loc: m.loc } as hbs.AST.SubExpression)
    : m.path;
  const helper: hbs.AST.PathExpression = {
    type: 'PathExpression', data: false, depth: 0, parts: [VALUE_HELPER], original: VALUE_HELPER, loc: m.loc,
  };
  return { ...m, path: helper, params: [inner, site], hash: undefined as unknown as hbs.AST.Hash, escaped: false };
}
