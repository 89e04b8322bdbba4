// The bundled CLI (scripts/bundle-cli.mjs, part of `npm run build`) and its startup snapshot
// (scripts/build-snapshot.mjs), as bin/nestor runs them, answer exactly as the modules they are
// built from: same output, same errors, same exit codes. bin/nestor starts from the snapshot only
// when it was built here by this node binary, else it runs bin/nestor.js (the bundle).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG_DIR } from '../../support/config-fixtures.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { nestorBundleDir } from '../../support/nestor-bundle.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// A package laid out as the checkout (bin/, dist/cli/), inside it: the built-in templates and
// node_modules are found by walking up from dist/cli.
const PACKAGE = join(ROOT, 'node_modules', '.cache', `nestor-test-package-${process.pid}`);
const CLI = join(PACKAGE, 'dist', 'cli');
const BLOB = join(CLI, 'nestor.blob');
let home: string;

beforeAll(() => {
  home = tempDir('nestor-bundle-');
  mkdirSync(join(PACKAGE, 'bin'), { recursive: true });
  for (const file of ['nestor', 'nestor.js']) copyFileSync(join(ROOT, 'bin', file), join(PACKAGE, 'bin', file));
  // The bundle is scripts/bundle-cli.mjs's output for this run (the global setup's); the snapshot
  // holds its own folder's paths, so it is built here.
  cpSync(nestorBundleDir(), CLI, { recursive: true });
  const built = spawnSync(process.execPath, ['scripts/build-snapshot.mjs', CLI], { cwd: ROOT, encoding: 'utf8' });
  expect(built.stderr).toBe('');
  expect(built.status).toBe(0);
}, 120_000);
afterAll(() => {
  rmSync(PACKAGE, { recursive: true, force: true });
  cleanupFixtures();
});

type From = 'bundle' | 'sources' | 'bin/nestor';

function nestor(from: From, args: string[], options: { config?: string; launcher?: string } = {}) {
  const [command, entry] = {
    bundle: [process.execPath, ['--input-type=module', '-e', `const { run } = await import(${JSON.stringify(join(CLI, 'entry.js'))}); process.exitCode = await run(process.argv.slice(1));`]],
    sources: [process.execPath, ['--import', 'tsx', 'test/support/nestor-child.ts']],
    'bin/nestor': [options.launcher ?? join(PACKAGE, 'bin', 'nestor'), []],
  }[from] as [string, string[]];
  const child = spawnSync(command, [...entry, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    // The node on the PATH is the one that built the snapshot.
    env: { PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`, HOME: home, NESTOR_CONFIG: options.config ?? EXAMPLE_CONFIG_DIR, NESTOR_STATE: join(home, 'state'), NESTOR_USER: 'tester' },
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** Runs `use` with `file` moved away, putting it back after. */
function without<T>(file: string, use: () => T): T {
  renameSync(file, `${file}.away`);
  try {
    return use();
  } finally {
    renameSync(`${file}.away`, file);
  }
}

const CASES: [string, string[]][] = [
  ['render', ['render', 'mary', 'production']],
  ['render --output json', ['render', 'mary', 'dev3', '--output', 'json']],
  ['envs', ['envs']],
  ['help', ['help']],
  ['a bad argument', ['deploy']],
  ['an unknown app', ['render', 'nobody', 'production']],
];
const fromSources = new Map<string, ReturnType<typeof nestor>>();
const sources = (args: string[]) => {
  const key = args.join(' ');
  if (!fromSources.has(key)) fromSources.set(key, nestor('sources', args));
  return fromSources.get(key)!;
};

describe('the bundled CLI', () => {
  it.each(CASES)('answers %s as the sources do', (_name, args) => {
    const bundled = nestor('bundle', args);
    expect(bundled).toEqual(sources(args));
    expect(bundled.stdout + bundled.stderr).not.toBe('');
  });
});

describe('bin/nestor', () => {
  it.each(CASES)('answers %s from the snapshot (the bundle moved away) as the sources do', (_name, args) => {
    const snapshot = without(join(CLI, 'entry.js'), () => nestor('bin/nestor', args));
    expect(snapshot).toEqual(sources(args));
  });

  it('says, under a --debug stack from the snapshot, that its function names are minified and where to read them', () => {
    const args = ['render', 'nobody', 'production', '--debug'];
    const snapshot = without(join(CLI, 'entry.js'), () => nestor('bin/nestor', args));
    const hint = "(stack of the CLI's startup snapshot: function names minified; `node bin/nestor.js` in Nestor's package shows the sources' names)";
    expect(snapshot.status).toBe(sources(args).status);
    expect(snapshot.stderr.split('\n')).toContain(hint);
    expect(sources(args).stderr).toContain('    at ');
    expect(sources(args).stderr).not.toContain(hint);
  });

  it('starts from the snapshot when run through a link, as node_modules/.bin/nestor', () => {
    const link = join(tempDir('nestor-bin-'), 'nestor');
    symlinkSync(join(PACKAGE, 'bin', 'nestor'), link);
    const args = ['render', 'mary', 'production'];
    expect(without(join(CLI, 'entry.js'), () => nestor('bin/nestor', args, { launcher: link }))).toEqual(sources(args));
  });

  it('runs the bundle when there is no snapshot', () => {
    const args = ['render', 'mary', 'production'];
    expect(without(BLOB, () => nestor('bin/nestor', args))).toEqual(sources(args));
  });

  it('runs the bundle when the snapshot was built by another node binary', () => {
    const [blob, stamp] = [readFileSync(BLOB), readFileSync(`${BLOB}.node`, 'utf8')];
    const [folder, size, ...rest] = stamp.split(' ');
    try {
      // A blob node would refuse (it aborts on one it cannot read), recorded as another binary's.
      writeFileSync(BLOB, 'not a snapshot');
      writeFileSync(`${BLOB}.node`, [folder, Number(size) + 1, ...rest].join(' '));
      const args = ['envs'];
      expect(nestor('bin/nestor', args)).toEqual(sources(args));
    } finally {
      writeFileSync(BLOB, blob);
      writeFileSync(`${BLOB}.node`, stamp);
    }
  });

  // An override puts a field with an RE2 pattern, `^(?i)(abort|warn)?$`, in the rendered PrometheusRule.
  it.each([
    ['accepts', 'Warn'],
    ['refuses', 'please'],
  ])('%s partial_response_strategy: %s (an RE2 pattern of the prometheus-operator schemas) from the snapshot as the sources do', (_verb, strategy) => {
    const config = join(tempDir('nestor-re2-'), 'nestor-config');
    cpSync(EXAMPLE_CONFIG_DIR, config, { recursive: true });
    mkdirSync(join(config, 'templates'), { recursive: true });
    const template = readFileSync(join(ROOT, 'templates', 'prometheus-rule.yaml'), 'utf8');
    const withStrategy = template.replace(/^( {4}- name: \{\{name\}\})$/m, `$1\n      partial_response_strategy: ${strategy}`);
    expect(withStrategy).not.toBe(template);
    writeFileSync(join(config, 'templates', 'prometheus-rule.yaml'), withStrategy);
    const args = ['render', 'mary', 'production'];
    const snapshot = without(join(CLI, 'entry.js'), () => nestor('bin/nestor', args, { config }));
    expect(snapshot).toEqual(nestor('sources', args, { config }));
    if (strategy === 'please') expect(snapshot.stderr).toContain('partial_response_strategy: must match pattern');
    else expect(snapshot.stdout).toContain('partial_response_strategy: Warn');
  }, 60_000);
});
