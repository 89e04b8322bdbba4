// scripts/test-setup.sh, the first step of `npm test`, run by real bash on a PATH made for each
// case: what is missing is installed with apt-get when the user can, else named in one line.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';

afterAll(() => cleanupFixtures());

const SCRIPT = join(import.meta.dirname, '../../../scripts/test-setup.sh');
/** A real program: on PATH, or among PostgreSQL's server programs (initdb), where the script looks too. */
const which = (name: string) => execFileSync('bash', ['-c', `command -v ${name} || compgen -G "/usr/lib/postgresql/*/bin/${name}" | head -1`], { encoding: 'utf8' }).trim();
const BASH = which('bash');

/** A folder to be the whole PATH, holding links to the named real programs. */
function pathWith(...programs: string[]): string {
  const bin = tempDir('nestor-setup-bin-');
  for (const p of programs) symlinkSync(which(p), join(bin, p));
  return bin;
}

function script(bin: string, name: string, body: string): void {
  writeFileSync(join(bin, name), `#!${BASH}\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}

/** The program each Debian package installs, as the script checks them. */
const PROGRAM: Record<string, string> = { postgresql: 'initdb' };

/** apt-get and sudo stand-ins: apt-get records its arguments and "installs" each package's program. */
function withApt(bin: string): string {
  const calls = join(bin, 'apt-calls');
  script(bin, 'apt-get', [
    `echo "$*" >> ${calls}`,
    'if [ "$1" = install ]; then for p in "$@"; do case "$p" in -*|install) ;; *)',
    `  prog=$p; ${Object.entries(PROGRAM).map(([pkg, prog]) => `[ "$p" = ${pkg} ] && prog=${prog};`).join(' ')}`,
    `  printf '#!${BASH}\\nexit 0\\n' > ${bin}/$prog; chmod +x ${bin}/$prog;; esac; done; fi`,
  ].join('\n'));
  withSudo(bin);
  return calls;
}

/** A sudo that asks no password, for when the tests do not run as root. */
function withSudo(bin: string): void {
  script(bin, 'sudo', 'if [ "$1" = -n ]; then shift; fi\nwhile [ "${1#*=}" != "$1" ]; do export "$1"; shift; done\n"$@"');
}

/** Runs the script with `bin` as its whole PATH, and no PostgreSQL server programs but those in `bin`. */
function run(bin: string) {
  const r = spawnSync(BASH, [SCRIPT], { env: { PATH: bin, HOME: bin, NESTOR_POSTGRES_BINS: bin }, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

describe('scripts/test-setup.sh', () => {
  it('with nothing to install from, names every missing package in one line and exits 1', () => {
    const bin = pathWith();
    const { code, stderr } = run(bin);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'test set-up: missing system packages: git redis-server docker-registry postgresql chromium (install them, e.g. `sudo apt-get install git redis-server docker-registry postgresql chromium`, then run npm test again)',
    ]);
  });

  it('names only what is missing', () => {
    const { code, stderr } = run(pathWith('git', 'docker-registry'));
    expect(code).toBe(1);
    expect(stderr).toContain('missing system packages: redis-server postgresql chromium (');
  });

  it('installs the missing packages in one apt-get call when it can, then goes on', () => {
    const bin = pathWith('git', 'chmod', 'docker-registry');
    const calls = withApt(bin);
    const { code, stderr } = run(bin);
    expect(stderr).toContain('test set-up: installing redis-server postgresql chromium with apt-get');
    expect(code).toBe(0);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['update -qq', 'install -y -qq --no-install-recommends redis-server postgresql chromium']);
    expect(existsSync(join(bin, 'redis-server'))).toBe(true);
    expect(existsSync(join(bin, 'initdb'))).toBe(true);
  });

  it('names what is still missing in one line when apt-get fails', () => {
    const bin = pathWith('git', 'docker-registry', 'initdb', 'chromium');
    script(bin, 'apt-get', 'echo "E: Unable to locate package" >&2\nexit 100');
    withSudo(bin);
    const { code, stderr } = run(bin);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').slice(-2)).toEqual([
      'test set-up: apt-get failed (above)',
      'test set-up: missing system packages: redis-server (install them, e.g. `sudo apt-get install redis-server`, then run npm test again)',
    ]);
  });

  it('says kubectl is optional and passes when the required programs are there', () => {
    const bin = pathWith('git', 'redis-server', 'docker-registry', 'initdb', 'chromium');
    const { code, stderr } = run(bin);
    expect(code).toBe(0);
    expect(stderr).toBe('test set-up: kubectl not found: the simulator is checked through @kubernetes/client-node only\n');
  });
});
