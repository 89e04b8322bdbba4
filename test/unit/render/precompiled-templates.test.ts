// The built-in templates are compiled at build time (scripts/generate-precompiled-templates.ts);
// this keeps the committed file equal to what templates/ and the installed Handlebars give, and
// checks that a process uses it only for the very text it was compiled from.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { precompiledTemplatesSource } from '../../../scripts/precompiled-templates-source.js';
import { readTemplateDir, builtinTemplatesDir } from '../../../src/adapters/fs/templates.js';
import { precompiledTemplate } from '../../../src/core/render/safe-template.js';
import { createTemplateSet } from '../../../src/core/render/template-compiler.js';
import { TemplateSet } from '../../../src/core/render/template-set.js';

describe('the precompiled built-in templates', () => {
  it('are what templates/ compiles to (else run `node --import tsx scripts/generate-precompiled-templates.ts`)', () => {
    const committed = readFileSync(new URL('../../../src/core/render/precompiled-templates.ts', import.meta.url), 'utf8');
    expect(committed === precompiledTemplatesSource()).toBe(true);
  });

  it('serve a built-in of the same text only, and render as the compiler does', async () => {
    const builtins = await readTemplateDir(builtinTemplatesDir(), 'built-in');
    expect(builtins.every((f) => precompiledTemplate(f))).toBe(true);
    const deployment = builtins.find((f) => f.name === 'config-map.yaml')!;
    expect(precompiledTemplate({ ...deployment, text: `${deployment.text}\n` })).toBeUndefined();
    expect(precompiledTemplate({ ...deployment, name: 'other.yaml' })).toBeUndefined();

    const context = { name: 'mary', app: 'mary', namespace: 'mary', labels: { app: 'mary' }, data: { A: 'x: y\n---', B: '{{b}}' } };
    const precompiled = new TemplateSet(builtins, (f) => precompiledTemplate(f)!);
    const compiled = createTemplateSet(builtins.map((f) => ({ ...f, text: `${f.text}\n` })));
    expect(precompiled.render('config-map.yaml', context).docs).toEqual(compiled.render('config-map.yaml', context).docs);
  });
});
