// bin/nestor starts the commands that open no TLS connection without NODE_EXTRA_CA_CERTS (Node 20
// reads the whole bundle at start) and with glibc's malloc on huge pages (GLIBC_TUNABLES); every
// other command keeps its environment. The launcher runs here from a package of its own whose
// bin/nestor.js (what it runs when there is no snapshot) prints the variables it got.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// No such file: node warns at start when it gets the variable, so its warning shows that it did.
const CERTS = '/nonexistent/extra-ca.pem';
let launcher: string;

beforeAll(() => {
  const pkg = tempDir('nestor-launcher-');
  mkdirSync(join(pkg, 'bin'));
  launcher = join(pkg, 'bin', 'nestor');
  copyFileSync(join(ROOT, 'bin', 'nestor'), launcher);
  writeFileSync(join(pkg, 'bin', 'nestor.js'), "process.stdout.write(JSON.stringify({ certs: process.env.NODE_EXTRA_CA_CERTS ?? null, tunables: process.env.GLIBC_TUNABLES ?? null, args: process.argv.slice(2) }));\n");
});
afterAll(cleanupFixtures);

type Launched = { certs: string | null; tunables: string | null; args: string[]; warned: boolean };

function launch(args: string[], env: Record<string, string> = {}): Launched {
  const child = spawnSync(launcher, args, { encoding: 'utf8', env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: CERTS, ...env } });
  expect(child.status).toBe(0);
  const warned = child.stderr.includes(`Ignoring extra certs from \`${CERTS}\``);
  expect(child.stderr.replace(/^Warning: Ignoring extra certs from .*\n/m, '')).toBe('');
  return { ...(JSON.parse(child.stdout) as Omit<Launched, 'warned'>), warned };
}

describe('bin/nestor, NODE_EXTRA_CA_CERTS and GLIBC_TUNABLES', () => {
  it.each([
    [['render', 'mary', 'production']],
    [['-c', 'deploy', 'render', 'mary', 'production']],
    [['--config=nestor-config', 'validate']],
    [['--debug', 'envs']],
    [['--state', '.nestor', '--history', 'deploy', 'completion', 'bash']],
    [['help', 'deploy']],
    [['--help']],
    [[]],
  ])('starts %j without it, malloc on huge pages, with its arguments untouched', (args) => {
    expect(launch(args)).toEqual({ certs: null, tunables: 'glibc.malloc.hugetlb=1', args, warned: false });
  });

  it("adds the huge pages to the user's own GLIBC_TUNABLES", () => {
    expect(launch(['envs'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).tunables).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
  });

  it.each([
    [['deploy', 'mary', 'main', 'dev3']],
    [['--kubeconfig', 'render', 'status', 'mary']],
    [['--config', 'render', 'bot']],
    [['deploy', '--help']],
    [['worker']],
  ])('keeps it for %j', (args) => {
    expect(launch(args)).toEqual({ certs: CERTS, tunables: null, args, warned: true });
  });
});
