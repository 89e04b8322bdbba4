// Reads the built-in templates/ folder and `<config>/templates/` overrides into a TemplateSet.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distance } from 'fastest-levenshtein';
import { ErrorCode, NestorError } from '../../core/errors.js';
import { precompiledTemplate } from '../../core/render/safe-template.js';
import { TemplateSet } from '../../core/render/template-set.js';
import type { TemplateFile, TemplateOrigin } from '../../core/render/types.js';

const TEMPLATE_FILE = /^[a-z0-9][-a-z0-9.]*\.(ya?ml|conf)$/;

/** templates/ at the package root, from src/ (tests, tsx) as from dist/src/ (built). */
export function builtinTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, 'deployment.yaml'))) return candidate;
    dir = dirname(dir);
  }
  throw new NestorError(ErrorCode.Internal, 'built-in templates folder not found');
}

export async function readTemplateDir(dir: string, origin: TemplateOrigin): Promise<TemplateFile[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && TEMPLATE_FILE.test(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      return { name, origin, path, text: await readFile(path, 'utf8') };
    }),
  );
}

/**
 * Built-ins, replaced file by file by `<configDir>/templates/` when it exists. A new file name is
 * allowed (usable as a partial: `{{> my-sidecar}}`) unless it is a near miss of a built-in name.
 */
export async function loadTemplateSet(configDir?: string, builtinDir = builtinTemplatesDir()): Promise<TemplateSet> {
  const builtins = await readTemplateDir(builtinDir, 'built-in');
  const overrideDir = configDir === undefined ? undefined : resolve(configDir, 'templates');
  const overrides = overrideDir && existsSync(overrideDir) ? await readTemplateDir(overrideDir, 'override') : [];
  checkNearMisses(builtins.map((b) => b.name), overrides);
  const files = [...builtins, ...overrides];
  if (files.every((f) => precompiledTemplate(f))) return new TemplateSet(files, (f) => precompiledTemplate(f)!);
  // An override or an edited built-in: Handlebars' compiler, loaded only then.
  const { createTemplateSet } = await import('../../core/render/template-compiler.js');
  return createTemplateSet(builtins, overrides);
}

function checkNearMisses(known: string[], overrides: TemplateFile[]): void {
  for (const o of overrides) {
    if (known.includes(o.name)) continue;
    const near = known.find((k) => distance(k, o.name) <= 2);
    if (near) {
      throw new NestorError(
        ErrorCode.ConfigInvalid,
        `${o.path ?? o.name}: not a built-in template name, did you mean ${near}?`,
      );
    }
  }
}
