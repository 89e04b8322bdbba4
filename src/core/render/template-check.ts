// Template mistakes found when a template is loaded, each as `<file> line N: what`, instead of the
// Handlebars runtime's internals ("Cannot read properties of undefined (reading 'call')") at render.
import { ErrorCode, NestorError } from '../errors.js';
import { HandlebarsRuntime } from './safe-template.js';

type Node = hbs.AST.Node;
type Program = hbs.AST.Program;
type Expression = hbs.AST.Expression;

/** The helpers templates may call, and how: a block (`{{#if x}}…{{/if}}`) or inline (`{{lookup m k}}`). */
const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);
const INLINE_HELPERS: Record<string, number> = { lookup: 2 };
const HELPERS = [...BLOCK_HELPERS, ...Object.keys(INLINE_HELPERS)].sort().join(', ');

/** A partial named by a template, checked once every template of the set is known. */
export interface PartialUse {
  name: string;
  line: number;
}

export function templateError(file: string, line: number, message: string): NestorError {
  return new NestorError(ErrorCode.RenderFailed, `${file} line ${line}: ${message}`, { detail: { template: file, line } });
}

/** Walks a parsed template; throws at the first helper, block or partial Handlebars would fail on. */
export function checkTemplate(program: Program, file: string): PartialUse[] {
  const partials: PartialUse[] = [];
  visit(program, file, partials);
  return partials;
}

function visit(node: Node | undefined, file: string, partials: PartialUse[]): void {
  if (!node) return;
  const n = node as Node & Record<string, unknown>;
  const line = node.loc.start.line;
  switch (node.type) {
    case 'Program':
      for (const s of (node as Program).body) visit(s, file, partials);
      return;
    case 'MustacheStatement':
    case 'SubExpression':
      checkCall(n as unknown as Call, node.type === 'SubExpression' ? 'subexpression' : 'inline', file);
      visitArgs(n as unknown as Call, file, partials);
      return;
    case 'BlockStatement':
      checkCall(n as unknown as Call, 'block', file);
      visitArgs(n as unknown as Call, file, partials);
      visit(n['program'] as Program | undefined, file, partials);
      visit(n['inverse'] as Program | undefined, file, partials);
      return;
    case 'PartialStatement':
    case 'PartialBlockStatement': {
      const name = n['name'] as Expression;
      if (name.type !== 'PathExpression') throw templateError(file, line, 'a partial must be named, e.g. {{> my-sidecar}}');
      const path = name as hbs.AST.PathExpression;
      // `{{#> name}}…{{/name}}` has a fallback; `@partial-block` is Handlebars' own.
      if (node.type === 'PartialStatement' && !path.data) partials.push({ name: path.original, line });
      visit(n['program'] as Program | undefined, file, partials);
      return;
    }
    case 'Decorator':
    case 'DecoratorBlock':
      throw templateError(file, line, 'decorators are not supported');
    default:
  }
}

interface Call {
  type: string;
  path: Expression;
  params: Expression[];
  hash?: hbs.AST.Hash;
  loc: hbs.AST.SourceLocation;
}

function visitArgs(call: Call, file: string, partials: PartialUse[]): void {
  for (const p of [...call.params, ...(call.hash?.pairs.map((pair) => pair.value) ?? [])]) visit(p, file, partials);
}

/** A mustache is a helper call when it has arguments or names a helper; a subexpression always is. */
function checkCall(call: Call, form: 'inline' | 'block' | 'subexpression', file: string): void {
  const line = call.loc.start.line;
  const args = call.params.length + (call.hash?.pairs.length ?? 0);
  const name = helperName(call.path);
  const known = name !== undefined && (BLOCK_HELPERS.has(name) || name in INLINE_HELPERS);
  if (!known) {
    if (form !== 'subexpression' && args === 0) return;
    const what = name === undefined ? 'a value' : `"${name}"`;
    throw templateError(file, line, `${what} is not a helper (helpers: ${HELPERS}), and a value takes no arguments`);
  }
  if (BLOCK_HELPERS.has(name)) {
    if (form !== 'block') throw templateError(file, line, `${name} is a block helper: write {{#${name} …}}…{{/${name}}}`);
    if (call.params.length !== 1) throw templateError(file, line, `#${name} takes exactly one argument, got ${call.params.length}`);
    return;
  }
  if (form === 'block') throw templateError(file, line, `${name} is not a block helper: write {{${name} …}}`);
  const arity = INLINE_HELPERS[name] ?? 0;
  if (call.params.length !== arity) throw templateError(file, line, `${name} takes exactly ${arity} arguments, got ${call.params.length}`);
}

function helperName(path: Expression): string | undefined {
  if (path.type !== 'PathExpression') return undefined;
  const p = path as hbs.AST.PathExpression;
  return p.data || p.depth > 0 || p.parts.length !== 1 ? p.original : p.parts[0];
}

/** A Handlebars parse error as one line with the template's line: `<file> line 2: template syntax error: …`. */
export function syntaxError(file: string, e: unknown): NestorError {
  const message = e instanceof Error ? e.message : String(e);
  const lines = message.split('\n');
  // "Parse error on line 2:\n<source>\n---^\nExpecting 'ID', got 'INVALID'" or "if doesn't match each - 2:3"
  const parse = /^Parse error on line (\d+):/.exec(lines[0] ?? '');
  const mismatch = /^(.*) - (\d+):\d+$/.exec(lines[0] ?? '');
  const line = Number(parse?.[1] ?? mismatch?.[2] ?? (e as { lineNumber?: number }).lineNumber ?? 1);
  const expected = (lines[lines.length - 1] ?? '').trim();
  const what = parse ? (expected.endsWith("got 'EOF'") ? 'a block is not closed ({{/…}} missing)' : expected) : (mismatch?.[1] ?? lines[0] ?? '');
  return new NestorError(ErrorCode.RenderFailed, `${file} line ${line}: template syntax error: ${what}`, { cause: e, detail: { template: file, line } });
}

/** What is left at render time (strict mode's missing values in nginx.conf), without Handlebars' internals. */
export function runtimeError(file: string, e: unknown): NestorError {
  if (e instanceof NestorError) return new NestorError(e.code, `${file}: ${e.message}`, { cause: e, detail: { template: file } });
  const first = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  const notDefined = /^"([^"]*)" not defined in .* - (\d+):\d+$/.exec(first);
  if (notDefined) return templateError(file, Number(notDefined[2]), `"${notDefined[1]}" is not defined`);
  const line = e instanceof HandlebarsRuntime.Exception ? (e as { lineNumber?: number }).lineNumber : undefined;
  const where = line === undefined ? file : `${file} line ${line}`;
  return new NestorError(ErrorCode.RenderFailed, `${where}: template failed: ${first}`, { cause: e, detail: { template: file } });
}
