// Handlebars templates made injection-safe: every `{{expr}}` is compiled into a call of
// VALUE_HELPER (template-compiler.ts), which emits an opaque token instead of the value, so the
// YAML structure is fixed before any value is in. This side runs compiled templates on the
// Handlebars runtime alone: the built-in templates are compiled at build time
// (precompiled-templates.ts), so a process loads the compiler only for a template that differs.
import { createHash } from 'node:crypto';
import type FullHandlebars from 'handlebars';
import runtime from 'handlebars/runtime.js';
import { ErrorCode, NestorError } from '../errors.js';
import { PRECOMPILED } from './precompiled-templates.js';
import type { PartialUse } from './template-check.js';
import { tokenFor, type ValueTable } from './tokens.js';
import type { TemplateFile } from './types.js';

type HandlebarsEnv = typeof FullHandlebars;
/** Handlebars without its compiler (the API of `handlebars` less compile, precompile and parse). */
export const HandlebarsRuntime = runtime as unknown as HandlebarsEnv;

export const VALUE_HELPER = 'nestorValue__';

export type TemplateFn = Handlebars.TemplateDelegate;

/** A template as Handlebars' compiler leaves it (what `Handlebars.precompile` writes), with the partials it names. */
export interface PrecompiledTemplate {
  spec: TemplateSpecification;
  partials: readonly PartialUse[];
}

/** Compiles one file of a set; `label` names it in errors. */
export type TemplateCompiler = (file: TemplateFile, label: string) => PrecompiledTemplate;

/** A Handlebars environment of one TemplateSet, with the token helper. */
export function createEnv(): HandlebarsEnv {
  const env = HandlebarsRuntime.create();
  env.registerHelper(VALUE_HELPER, (value: unknown, site: string, options: Handlebars.HelperOptions) => {
    const table = (options.data as { nestorValues?: ValueTable }).nestorValues;
    if (!table) throw new NestorError(ErrorCode.Internal, 'template rendered without a value table');
    return tokenFor(table, value, site);
  });
  return env;
}

/** What a precompiled template is keyed by: the text it was compiled from. */
export function templateHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The build's compiled form of a built-in template, when `file` has the very text it was compiled from. */
export function precompiledTemplate(file: TemplateFile): PrecompiledTemplate | undefined {
  const built = Object.hasOwn(PRECOMPILED, file.name) ? PRECOMPILED[file.name] : undefined;
  return built && built.sha256 === templateHash(file.text) ? built : undefined;
}
