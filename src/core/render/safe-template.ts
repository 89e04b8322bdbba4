// Handlebars templates made injection-safe: every `{{expr}}` is rewritten into a helper call that
// emits an opaque token instead of the value, so the YAML structure is fixed before any value is in.
import Handlebars from 'handlebars';
import { ErrorCode, NestorError } from '../errors.js';
import { checkTemplate, syntaxError, type PartialUse } from './template-check.js';
import { registerSite, tokenFor, type ValueTable } from './tokens.js';

type Program = hbs.AST.Program;
type Statement = hbs.AST.Statement;
type Mustache = hbs.AST.MustacheStatement;
type HandlebarsEnv = typeof Handlebars;

export const VALUE_HELPER = 'nestorValue__';

/** A Handlebars environment of one TemplateSet, with the token helper. */
export function createEnv(): HandlebarsEnv {
  const env = Handlebars.create();
  env.registerHelper(VALUE_HELPER, (value: unknown, site: number, options: Handlebars.HelperOptions) => {
    const table = (options.data as { nestorValues?: ValueTable }).nestorValues;
    if (!table) throw new NestorError(ErrorCode.Internal, 'template rendered without a value table');
    return tokenFor(table, value, site);
  });
  return env;
}

export type TemplateFn = Handlebars.TemplateDelegate;

/** A compiled template and the partials it names (checked once the whole set is known). */
export interface Compiled<F> {
  fn: F;
  partials: PartialUse[];
}

/** Parse, check and compile once; errors name the file and line. */
export function compileSafe(env: HandlebarsEnv, text: string, file: string): Compiled<TemplateFn> {
  const program = parse(text, file);
  const partials = checkTemplate(program, file);
  transformProgram(program, file);
  return { fn: env.compile(program, { noEscape: true, knownHelpers: { [VALUE_HELPER]: true } }), partials };
}

/** For plain-text templates (nginx.conf): values must already be validated names. */
export function compilePlain(env: HandlebarsEnv, text: string, file: string): Compiled<(context: unknown) => string> {
  const program = parse(text, file);
  const partials = checkTemplate(program, file);
  return { fn: env.compile(program, { noEscape: true, strict: true }), partials };
}

function parse(text: string, file: string): Program {
  try {
    return Handlebars.parse(text);
  } catch (e) {
    throw syntaxError(file, e);
  }
}

function transformProgram(program: Program | undefined, file: string): void {
  if (!program) return;
  program.body = program.body.map((s) => transformStatement(s, file));
}

function transformStatement(s: Statement, file: string): Statement {
  const node = s as Statement & { type: string; program?: Program; inverse?: Program };
  if (node.type === 'MustacheStatement') return wrapMustache(s as Mustache, file);
  transformProgram(node.program, file);
  transformProgram(node.inverse, file);
  return s;
}

function wrapMustache(m: Mustache, file: string): Mustache {
  const id = registerSite({ file, line: m.loc.start.line });
  const site: hbs.AST.NumberLiteral = { type: 'NumberLiteral', value: id, original: id, loc: m.loc };
  const hasArgs = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0;
  const inner: hbs.AST.Expression = hasArgs
    ? ({ type: 'SubExpression', path: m.path, params: m.params, hash: m.hash, loc: m.loc } as hbs.AST.SubExpression)
    : m.path;
  const helper: hbs.AST.PathExpression = {
    type: 'PathExpression', data: false, depth: 0, parts: [VALUE_HELPER], original: VALUE_HELPER, loc: m.loc,
  };
  return { ...m, path: helper, params: [inner, site], hash: undefined as unknown as hbs.AST.Hash, escaped: false };
}
