// The bundled CLI that bin/nestor.js runs (scripts/bundle-cli.mjs, part of `npm run build`)
// answers exactly as the modules it is built from: same output, same errors, same exit codes.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG_DIR } from '../../support/config-fixtures.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// Inside the checkout, as dist/cli is: the built-in templates are found by walking up from it.
const BUNDLE = join(ROOT, 'node_modules', '.cache', `nestor-test-bundle-${process.pid}`);
let home: string;

beforeAll(() => {
  home = tempDir('nestor-bundle-');
  const built = spawnSync(process.execPath, ['scripts/bundle-cli.mjs', BUNDLE], { cwd: ROOT, encoding: 'utf8' });
  expect(built.stderr).toBe('');
  expect(built.status).toBe(0);
});
afterAll(() => {
  rmSync(BUNDLE, { recursive: true, force: true });
  cleanupFixtures();
});

function nestor(from: 'bundle' | 'sources', args: string[]) {
  const entry = from === 'bundle'
    ? ['--input-type=module', '-e', `const { run } = await import(${JSON.stringify(join(BUNDLE, 'entry.js'))}); process.exitCode = await run(process.argv.slice(1));`]
    : ['--import', 'tsx', 'test/support/nestor-child.ts'];
  const child = spawnSync(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: home, NESTOR_CONFIG: EXAMPLE_CONFIG_DIR, NESTOR_STATE: join(home, 'state'), NESTOR_USER: 'tester' },
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('the bundled CLI', () => {
  it.each([
    ['render', ['render', 'mary', 'production']],
    ['render --output json', ['render', 'mary', 'dev3', '--output', 'json']],
    ['envs', ['envs']],
    ['help', ['help']],
    ['a bad argument', ['deploy']],
    ['an unknown app', ['render', 'nobody', 'production']],
  ])('answers %s as the sources do', (_name, args) => {
    const bundled = nestor('bundle', args);
    expect(bundled).toEqual(nestor('sources', args));
    expect(bundled.stdout + bundled.stderr).not.toBe('');
  });
});
