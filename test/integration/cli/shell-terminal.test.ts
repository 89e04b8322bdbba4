// `nestor shell` as a person uses it: a real process on a pseudo-terminal (util-linux `script`),
// keys typed as bytes: Tab, Ctrl-C, ↑, Ctrl-D.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { nestorCommand } from '../../support/nestor-bundle.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const KEYS = { tab: '\t', enter: '\r', ctrlC: '\x03', ctrlD: '\x04', up: '\x1b[A' } as const;

afterAll(() => cleanupFixtures());

/** The screen's text without terminal control sequences. */
// eslint-disable-next-line no-control-regex -- the escape sequences of a terminal are what it removes
const plain = (raw: string): string => raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

describe('nestor shell on a terminal', () => {
  it('completes with Tab, recalls with ↑, clears the line or stops the command on Ctrl-C, quits on Ctrl-D', async () => {
    const state = tempDir('nestor-shell-tty-');
    const child = spawn('script', ['-qfec', nestorCommand(['shell']).flat().join(' '), '/dev/null'], {
      cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, NESTOR_USER: 'newcomer', NESTOR_STATE: state, TERM: 'xterm', COLUMNS: '200' },
    });
    let raw = '';
    child.stdout.on('data', (chunk: Buffer) => void (raw += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const screen = () => plain(raw);
    const type = (keys: string) => void child.stdin.write(keys);
    /** Waits for `text` to appear after `mark` (a length of the screen); returns where it ends. */
    const after = (mark: number, text: string): Promise<number> =>
      eventually(text, () => {
        const at = screen().indexOf(text, mark);
        return at >= 0 ? at + text.length : undefined;
      }, 90_000).catch((e: Error) => {
        throw new Error(`${e.message}; the screen ends with:\n${screen().slice(-1500)}`);
      });
    try {
      await after(0, 'nestor> ');
      let mark = screen().length;
      type(`deploy ma${KEYS.tab}`);
      await after(mark, 'deploy mary ');
      type(`mai${KEYS.tab}`); // main, not master
      await after(mark, 'deploy mary main ');
      type(`d${KEYS.tab}`);
      await after(mark, 'deploy mary main dev');
      // Several candidates: the second Tab lists them.
      type(KEYS.tab);
      await after(mark, 'dev3');
      type(`3${KEYS.enter}`);
      // The prompt comes back once the announcement is printed.
      await after(await after(mark, '✓ mary released to dev3'), 'nestor> ');

      // At the prompt, Ctrl-C drops the line typed so far; the shell goes on.
      mark = screen().length;
      type(`garbage typed${KEYS.ctrlC}`);
      await after(mark, '^C');
      type(`envs${KEYS.enter}`);
      await after(mark, '6 environments');
      type(`${KEYS.up}${KEYS.enter}`);
      await eventually('envs twice', () => screen().slice(mark).split('6 environments').length === 3, 90_000);
      expect(screen().slice(mark)).not.toContain('unknown command');

      // During a deploy, Ctrl-C stops it: the rollout wait ends in a rollback, and the shell goes on.
      mark = screen().length;
      type(`deploy mary broken dev3${KEYS.enter}`);
      await after(mark, '[rollout] started');
      type(KEYS.ctrlC);
      await after(mark, '^C: stopping.');
      await after(await after(mark, 'stopped: the release was rolled back, as a failed rollout is (above)'), 'nestor> ');
      type(`status mary dev3${KEYS.enter}`);
      await after(await after(mark, 'dev3: main '), 'nestor> ');

      // A line with --secret is never kept in the history.
      mark = screen().length;
      type(`config set mary dev3 API_TOKEN=s3cr3t --secret${KEYS.enter}`);
      await after(await after(mark, 'API_TOKEN'), 'nestor> ');
      type(KEYS.ctrlD);
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
    const history = readFileSync(join(state, 'shell-history'), 'utf8');
    expect(history.split('\n')).toEqual(expect.arrayContaining(['deploy mary main dev3', 'envs', 'deploy mary broken dev3', 'status mary dev3']));
    expect(history).not.toContain('s3cr3t');
  }, 240_000);
});
