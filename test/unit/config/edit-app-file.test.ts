import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFile } from '../../../src/core/config/parse-file.js';
import {
  addSecretNames, inheritedConfig, parseAssignments, parseScaleSpecs, removeSecretNames, setScales, setVariables, unsetVariables,
} from '../../../src/core/config/edit-app-file.js';
import { loadConfigTree } from '../../../src/core/config/index.js';
import { ConfigError, ErrorCode, NestorError } from '../../../src/core/errors.js';

const MARY = `# mary in dev3: only what differs from staging.
app: mary

# Scaled down: dev3 is small.
scales:
  web: {minReplicas: 1, maxReplicas: 2}   # keep it cheap
  worker:
    minReplicas: 1
    maxReplicas: 1

variables:
  app:
    FEATURE_CHECKOUT: "false"   # until the checkout ships
    LOG_LEVEL: debug
  ope: { SENTRY_DSN: "********" }
teams: [security]
`;

const PATH = 'dev3/apps/mary.yaml';
const read = (text: string): Record<string, unknown> => {
  const parsed = parseFile({ path: PATH, text });
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.parsed.data;
};
const variablesOf = (text: string) => read(text).variables as Record<string, Record<string, unknown>>;
const changedLines = (before: string, after: string) => {
  const old = new Set(before.split('\n'));
  return after.split('\n').filter((line) => !old.has(line));
};

async function errorOf(fn: () => unknown): Promise<NestorError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof NestorError) return e;
    throw e;
  }
  throw new Error('expected a NestorError');
}

const EVIL = [
  'a\nb', 'a\nb\n', 'trailing newlines\n\n\n', '\n', 'x: y', 'a: b\nc: d', '"quoted"', "'single'", 'it\'s "both"',
  '{{name}}', '{{ .Values.x }}', '---', '--- x', '...', '', ' ', '  leading', 'trailing  ', '#hash', 'a #b', '- x', '[1, 2]',
  '{a: 1}', 'null', '~', 'true', 'False', 'yes', 'on', '123', '0x1F', '0o17', '1e3', '.inf', '-.5', '2024-01-01',
  '2001-12-14t21:59:43.10-05:00', '12:30:00', '<<', '=', 'a=b=c', '!!str x', '!secret', '&anchor', '*alias', '@at', '`tick`',
  '%TAG', '|', '>', 'tab\there', '\tfirst', 'back\\slash', 'é ✓ 🚀', 'line\u2028sep', 'crlf\r\nline', 'nul\u0000byte', '\u00a0nbsp',
  'x'.repeat(300), 'multi\n  indented\n\tand tabbed\n ', '********x', 'https://u:p@host:5432/db?sslmode=require#frag',
];

describe('setVariables', () => {
  it('changes only the lines it must, keeping comments, order and flow style', () => {
    const out = setVariables(MARY, 'app', { LOG_LEVEL: 'info', FEATURE_CHECKOUT: 'true', NEW_KEY: 'x y' });
    // An edited line is rendered anew (one space before its comment); every other line is kept.
    expect(changedLines(MARY, out)).toEqual(['    FEATURE_CHECKOUT: "true" # until the checkout ships', '    LOG_LEVEL: info', '    NEW_KEY: x y']);
    expect(out.split('\n').filter((l) => !changedLines(MARY, out).includes(l))).toEqual(
      MARY.split('\n').filter((l) => !['    FEATURE_CHECKOUT: "false"   # until the checkout ships', '    LOG_LEVEL: debug'].includes(l)),
    );
    expect(variablesOf(out).app).toEqual({ FEATURE_CHECKOUT: 'true', LOG_LEVEL: 'info', NEW_KEY: 'x y' });
  });

  it('keeps a real file of the example config byte for byte outside the edit', () => {
    const text = readFileSync(join(import.meta.dirname, '../../../nestor-config/production/apps/mary.yaml'), 'utf8');
    const out = setVariables(text, 'app', { SENTRY_DSN: 'https://key@sentry.io/1' });
    expect(changedLines(text, out)).toEqual(['  ope: { SENTRY_DSN: "https://key@sentry.io/1" }']);
    expect(out.split('\n')).toHaveLength(text.split('\n').length);
  });

  it('writes every evil value so that it reads back as exactly that string, adding no key', () => {
    const entries = Object.fromEntries(EVIL.map((v, i) => [`EVIL_${i}`, v]));
    for (const base of [MARY, undefined, 'variables:\n  app: { A: b }\n', 'variables: { app: {} }\n', 'variables:\n  app:\n']) {
      const out = setVariables(base, 'app', entries);
      const app = variablesOf(out).app ?? {};
      for (const [key, value] of Object.entries(entries)) expect({ key, got: app[key] }).toEqual({ key, got: value });
      const before = read(base ?? '');
      expect(Object.keys(read(out))).toEqual(base ? Object.keys(before) : ['variables']);
      expect(Object.keys(variablesOf(out))).toEqual(base === MARY ? ['app', 'ope'] : ['app']);
    }
  });

  it('round-trips values given as KEY=VALUE arguments', () => {
    const entries = parseAssignments(EVIL.map((v, i) => `K${i}=${v}`));
    const out = setVariables(undefined, 'app', entries);
    expect(variablesOf(out).app).toEqual(Object.fromEntries(EVIL.map((v, i) => [`K${i}`, v])));
  });

  it('creates a minimal file when there is none', () => {
    expect(setVariables(undefined, 'app', { FOO: 'bar' })).toBe('variables:\n  app:\n    FOO: bar\n');
  });

  it('sets a key in the group that already holds it, here or in an ancestor', () => {
    const out = setVariables(MARY, 'app', { SENTRY_DSN: 'x', NODE_ENV: 'test' }, { inherited: { variables: { ope: { NODE_ENV: 'production' } } } });
    expect(variablesOf(out)).toEqual({
      app: { FEATURE_CHECKOUT: 'false', LOG_LEVEL: 'debug' },
      ope: { SENTRY_DSN: 'x', NODE_ENV: 'test' },
    });
  });

  it('returns the text untouched when nothing changes', () => {
    expect(setVariables(MARY, 'app', { LOG_LEVEL: 'debug' })).toBe(MARY);
  });

  it('refuses $NAME values, which would read Nestor\'s own environment', async () => {
    const error = await errorOf(() => setVariables(MARY, 'app', { TOKEN: '$SLACK_BOT_TOKEN' }));
    expect(error.code).toBe(ErrorCode.BadInput);
    expect(error.message).toContain('TOKEN');
  });

  it('refuses an edit that would leave the file invalid, naming file and line', async () => {
    const error = await errorOf(() => setVariables('port: "eighty"\n', 'app', { A: 'b' }, { path: PATH }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe('dev3/apps/mary.yaml:1:7: port: expected integer, got "eighty"');
    const bad = await errorOf(() => setVariables('app: [unclosed\n', 'app', { A: 'b' }, { path: PATH }));
    expect(bad.message).toMatch(/^dev3\/apps\/mary\.yaml:\d+:\d+: invalid YAML/);
  });
});

describe('unsetVariables', () => {
  const inherited = { variables: { app: { LOG_LEVEL: 'warn' }, ope: { NODE_ENV: 'production' } } };

  it('removes a key only this file defines, and writes null for one an ancestor defines', () => {
    const out = unsetVariables(MARY, ['FEATURE_CHECKOUT', 'LOG_LEVEL', 'NODE_ENV'], { inherited });
    expect(variablesOf(out)).toEqual({ app: { LOG_LEVEL: null }, ope: { SENTRY_DSN: '********', NODE_ENV: null } });
    expect(out).toContain('    LOG_LEVEL: null\n');
    expect(out).toContain('# Scaled down: dev3 is small.\n');
  });

  it('drops a group it emptied, then variables', () => {
    const out = unsetVariables(MARY, ['FEATURE_CHECKOUT', 'LOG_LEVEL', 'SENTRY_DSN']);
    expect(read(out).variables).toBeUndefined();
    expect(out).toContain('teams: [security]\n');
  });

  it('writes null into a new file for an inherited key', () => {
    expect(unsetVariables(undefined, ['NODE_ENV'], { inherited })).toBe('variables:\n  ope:\n    NODE_ENV: null\n');
  });

  it('turns a group deleted with null into explicit nulls so the merge stays the same', () => {
    const out = setVariables('variables:\n  app: null\n', 'app', { NEW: 'x' }, { inherited });
    expect(variablesOf(out).app).toEqual({ LOG_LEVEL: null, NEW: 'x' });
  });

  it('refuses keys set nowhere, naming them', async () => {
    const error = await errorOf(() => unsetVariables(MARY, ['LOG_LEVEL', 'NOPE', 'NADA'], { inherited }));
    expect(error.code).toBe(ErrorCode.BadInput);
    expect(error.message).toBe('not set, so nothing to unset: NOPE, NADA');
  });

  it('finds its keys in the inherited config of a real tree', () => {
    const dir = join(import.meta.dirname, '../../../nestor-config');
    const files = ['production/project.yaml', 'production/apps/mary.yaml', 'staging/project.yaml', 'staging/apps/mary.yaml', 'dev3/project.yaml', 'dev3/apps/mary.yaml']
      .map((path) => ({ path, text: readFileSync(join(dir, path), 'utf8') }));
    const tree = loadConfigTree(files);
    const text = files[5]?.text;
    const out = unsetVariables(text, ['NODE_ENV'], { inherited: inheritedConfig(tree, 'mary', 'dev3'), path: 'dev3/apps/mary.yaml' });
    expect(variablesOf(out).ope).toMatchObject({ NODE_ENV: null });
  });
});

describe('setScales', () => {
  it('sets min and max, keeping the other settings and the layout', () => {
    const out = setScales(MARY, parseScaleSpecs(['web=3:9', 'worker=2', 'release-notes=0:1']));
    expect(read(out).scales).toEqual({
      web: { minReplicas: 3, maxReplicas: 9 },
      worker: { minReplicas: 2, maxReplicas: 2 },
      'release-notes': { minReplicas: 0, maxReplicas: 1 },
    });
    expect(changedLines(MARY, out)).toEqual([
      '  web: {minReplicas: 3, maxReplicas: 9} # keep it cheap', '    minReplicas: 2', '    maxReplicas: 2',
      '  release-notes:', '    minReplicas: 0',
    ]);
    const production = 'scales:\n  web: { maxReplicas: 9, minReplicas: 3, targetCPUUtilizationPercentage: 75 }\n';
    expect(setScales(production, parseScaleSpecs(['web=2:4']))).toBe(
      'scales:\n  web: { maxReplicas: 4, minReplicas: 2, targetCPUUtilizationPercentage: 75 }\n',
    );
  });

  it('parses web=3:9 and worker=2, and refuses bad arguments one line each, naming them', async () => {
    expect(parseScaleSpecs(['web=3:9', 'worker=2'])).toEqual([{ process: 'web', min: 3, max: 9 }, { process: 'worker', min: 2, max: 2 }]);
    const cases: Array<[string[], string]> = [
      [[], 'give at least one <process>=<min>[:<max>], such as web=3:9'],
      [['web'], 'invalid scale "web": expected <process>=<min>[:<max>] such as web=3:9 or worker=2'],
      [['web=9:3'], 'invalid scale "web=9:3": the minimum 9 is above the maximum 3'],
      [['web=1001'], 'invalid scale "web=1001": replicas must be whole numbers from 0 to 1000'],
      [['web=-1'], 'invalid scale "web=-1": replicas must be whole numbers from 0 to 1000'],
      [['web=1.5'], 'invalid scale "web=1.5": replicas must be whole numbers from 0 to 1000'],
      [['web=3:'], 'invalid scale "web=3:": replicas must be whole numbers from 0 to 1000'],
      [['web=3:4:5'], 'invalid scale "web=3:4:5": replicas must be whole numbers from 0 to 1000'],
      [['web= 3'], 'invalid scale "web= 3": replicas must be whole numbers from 0 to 1000'],
      [['worker=0'], 'invalid scale "worker=0": the maximum must be at least 1'],
      [['Web=1'], 'invalid scale "Web=1": "Web" is not a process name (lowercase letters, digits and -, such as web or worker)'],
      [['../x=1'], 'invalid scale "../x=1": "../x" is not a process name (lowercase letters, digits and -, such as web or worker)'],
      [['=1'], 'invalid scale "=1": "" is not a process name (lowercase letters, digits and -, such as web or worker)'],
      [['web=1', 'web=2'], 'web is scaled twice'],
    ];
    for (const [args, message] of cases) {
      const error = await errorOf(() => parseScaleSpecs(args));
      expect({ args, code: error.code, message: error.message }).toEqual({ args, code: ErrorCode.BadInput, message });
    }
  });
});

describe('parseAssignments', () => {
  it('splits at the first "=" and keeps the rest as is', () => {
    expect(parseAssignments(['A=b=c', 'EMPTY=', '_X1=  spaced \n'])).toEqual({ A: 'b=c', EMPTY: '', _X1: '  spaced \n' });
    expect(Object.keys(parseAssignments(['__proto__=x']))).toEqual(['__proto__']);
  });

  it('refuses bad arguments without repeating any value', async () => {
    const cases: Array<[string[], string]> = [
      [[], 'give at least one KEY=VALUE'],
      [['A=1', 's3cr3t'], 'argument 2 has no "=": expected KEY=VALUE'],
      [['1A=s3cr3t'], 'invalid variable name "1A": expected letters, digits and _, not starting with a digit'],
      [['A-B=x'], 'invalid variable name "A-B": expected letters, digits and _, not starting with a digit'],
      [['=x'], 'invalid variable name "": expected letters, digits and _, not starting with a digit'],
      [['A=1', 'A=2'], 'A is given twice'],
    ];
    for (const [args, message] of cases) {
      const error = await errorOf(() => parseAssignments(args));
      expect({ code: error.code, message: error.message }).toEqual({ code: ErrorCode.BadInput, message });
    }
  });
});

describe('secret names', () => {
  it('adds and removes names in the file\'s list, keeping its style', () => {
    const text = 'app: mary\nsecrets: [DB_PASSWORD]  # values in the Secret mary-secrets\n';
    const added = addSecretNames(text, ['API_KEY', 'DB_PASSWORD']);
    expect(added).toBe('app: mary\nsecrets: [DB_PASSWORD, API_KEY] # values in the Secret mary-secrets\n');
    expect(read(removeSecretNames(added, ['DB_PASSWORD', 'UNKNOWN'])).secrets).toEqual(['API_KEY']);
    expect(read(removeSecretNames(added, ['DB_PASSWORD', 'API_KEY'])).secrets).toBeUndefined();
    expect(addSecretNames(added, ['API_KEY'])).toBe(added);
  });

  it('starts from the inherited list, since a list replaces the one it overrides', () => {
    const inherited = { secrets: ['DB_PASSWORD', 'API_KEY'] };
    expect(read(addSecretNames(undefined, ['STRIPE_KEY'], { inherited })).secrets).toEqual(['DB_PASSWORD', 'API_KEY', 'STRIPE_KEY']);
    expect(read(removeSecretNames('app: mary\n', ['API_KEY'], { inherited })).secrets).toEqual(['DB_PASSWORD']);
    expect(read(removeSecretNames('app: mary\n', ['DB_PASSWORD', 'API_KEY'], { inherited })).secrets).toEqual([]);
  });

  it('refuses invalid names', async () => {
    expect((await errorOf(() => addSecretNames(undefined, ['a-b']))).code).toBe(ErrorCode.BadInput);
  });
});
