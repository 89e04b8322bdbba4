import { describe, expect, it } from 'vitest';
import { parseCommand, parseCommandOrThrow } from '../../../src/core/commands/parse-command.js';
import { tokenize } from '../../../src/core/commands/tokenize.js';
import { CommandSyntaxError } from '../../../src/core/commands/syntax-error.js';
import { describeCommand } from '../../../src/core/commands/command.js';
import { slashCommandText } from '../../../src/adapters/slack/slack-text.js';

function failure(text: string): CommandSyntaxError {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`expected "${text}" to be refused, got ${JSON.stringify(result.command)}`);
  expect(result.error.userMessage).not.toContain('\n');
  expect(result.error.code).toBe('bad_input');
  return result.error;
}

describe('parseCommand: the grammar of DESIGN.md', () => {
  it.each([
    ['deploy mary feature-x dev3', { kind: 'deploy', app: 'mary', ref: 'feature-x', env: 'dev3' }],
    ['/nestor deploy mary v1.4.2 production', { kind: 'deploy', app: 'mary', ref: 'v1.4.2', env: 'production' }],
    ['  DEPLOY   mary  feature/x-1   dev3 ', { kind: 'deploy', app: 'mary', ref: 'feature/x-1', env: 'dev3' }],
    ['rollback mary production', { kind: 'rollback', app: 'mary', env: 'production' }],
    ['rollback mary production 3f2c1ab', { kind: 'rollback', app: 'mary', env: 'production', commit: '3f2c1ab' }],
    ['scale mary production web=3:9 worker=2', { kind: 'scale', app: 'mary', env: 'production', scales: [{ process: 'web', min: 3, max: 9 }, { process: 'worker', min: 2, max: 2 }] }],
    ['config get mary dev3', { kind: 'config-get', app: 'mary', env: 'dev3', keys: [] }],
    ['config get mary dev3 LOG_LEVEL NODE_ENV', { kind: 'config-get', app: 'mary', env: 'dev3', keys: ['LOG_LEVEL', 'NODE_ENV'] }],
    ['config set mary dev3 LOG_LEVEL=debug', { kind: 'config-set', app: 'mary', env: 'dev3', values: { LOG_LEVEL: 'debug' }, secret: false }],
    ['config set mary dev3 GREETING="hello world" A=\'x y\'', { kind: 'config-set', app: 'mary', env: 'dev3', values: { GREETING: 'hello world', A: 'x y' }, secret: false }],
    ['config set mary dev3 "URL=a=b c" EMPTY=', { kind: 'config-set', app: 'mary', env: 'dev3', values: { URL: 'a=b c', EMPTY: '' }, secret: false }],
    ['config set --secret mary production API_KEY=s3cr3t', { kind: 'config-set', app: 'mary', env: 'production', values: { API_KEY: 's3cr3t' }, secret: true }],
    ['config set mary production API_KEY=s3cr3t --secret', { kind: 'config-set', app: 'mary', env: 'production', values: { API_KEY: 's3cr3t' }, secret: true }],
    ['config unset mary dev3 LOG_LEVEL', { kind: 'config-unset', app: 'mary', env: 'dev3', keys: ['LOG_LEVEL'] }],
    ['datastore snapshot dev3', { kind: 'datastore', action: 'snapshot', env: 'dev3' }],
    ['datastore reset dev3 postgres', { kind: 'datastore', action: 'reset', env: 'dev3', datastore: 'postgres' }],
    ['datastore reset dev3 postgres --from staging/postgres/2026-12-02T03-00-00.000Z', { kind: 'datastore', action: 'reset', env: 'dev3', datastore: 'postgres', from: 'staging/postgres/2026-12-02T03-00-00.000Z' }],
    ['datastore reset dev3 --from=staging/postgres/2026-12-02T03-00-00.000Z postgres', { kind: 'datastore', action: 'reset', env: 'dev3', datastore: 'postgres', from: 'staging/postgres/2026-12-02T03-00-00.000Z' }],
    ['datastore list dev3', { kind: 'datastore-list', env: 'dev3' }],
    ['run mary dev3 -- node scripts/migrate.js', { kind: 'run', app: 'mary', env: 'dev3', words: ['node', 'scripts/migrate.js'] }],
    ['run mary dev3 node scripts/migrate.js', { kind: 'run', app: 'mary', env: 'dev3', words: ['node', 'scripts/migrate.js'] }],
    ['run mary production --process worker -- node x.js --all -v "a b"', { kind: 'run', app: 'mary', env: 'production', process: 'worker', words: ['node', 'x.js', '--all', '-v', 'a b'] }],
    ['status mary', { kind: 'status', app: 'mary' }],
    ['status mary production', { kind: 'status', app: 'mary', env: 'production' }],
    ['history mary dev3', { kind: 'history', app: 'mary', env: 'dev3' }],
    ['envs', { kind: 'envs' }],
    ['help', { kind: 'help' }],
    ['', { kind: 'help' }],
    ['help Deploy', { kind: 'help', topic: 'deploy' }],
  ])('%s', (text, expected) => {
    expect(parseCommandOrThrow(text)).toEqual(expected);
  });

  it('takes smart quotes as quotes (chat clients substitute them)', () => {
    expect(parseCommandOrThrow('config set mary dev3 GREETING=“hello world”')).toMatchObject({ values: { GREETING: 'hello world' } });
  });

  it('reads the text of a Slack slash command after unescaping it', () => {
    const text = slashCommandText('config set mary dev3 URL=<https://x.example/a?b=1&amp;c=2> Q="a &lt;b&gt;"');
    expect(parseCommandOrThrow(text)).toMatchObject({ values: { URL: 'https://x.example/a?b=1&c=2', Q: 'a <b>' } });
  });
});

describe('parseCommand: bad input, one line naming what is wrong', () => {
  it('unknown verb or typo: help with "did you mean"', () => {
    const typo = failure('deplyo mary main dev3');
    expect(typo.userMessage).toBe('unknown command "deplyo"; did you mean "deploy"?');
    expect(typo.suggestion).toBe('deploy');
    expect(typo.help).toContain('/nestor deploy <app> <branch|tag|sha> <env>');
    expect(failure('rolback mary prod').suggestion).toBe('rollback');
    expect(failure('stat mary').suggestion).toBe('status');
    const unknown = failure('launch-the-rockets');
    expect(unknown.userMessage).toBe('unknown command "launch-the-rockets"');
    expect(unknown.suggestion).toBeUndefined();
    expect(failure('config sett mary dev3 A=1').userMessage).toBe('unknown config action "sett"; did you mean "config set"?');
    expect(failure('help deplo').userMessage).toBe('no command "deplo"; did you mean "help deploy"?');
  });

  it.each([
    ['deploy mary dev3', 'deploy takes 3 arguments, got 2', '/nestor deploy <app> <branch|tag|sha> <env>'],
    ['deploy mary main dev3 extra', 'deploy takes 3 arguments, got 4', '/nestor deploy <app> <branch|tag|sha> <env>'],
    ['rollback mary', 'rollback takes 2 to 3 arguments, got 1', '/nestor rollback <app> <env> [<history-commit>]'],
    ['scale mary dev3', 'scale takes at least 3 arguments, got 2', '/nestor scale <app> <env> <process>=<min>[:<max>] ...'],
    ['config set mary dev3', 'config set takes at least 3 arguments, got 2', '/nestor config set <app> <env> KEY=VALUE ... [--secret]'],
    ['config', 'config needs an action: get, set, unset', ['/nestor config get <app> <env> [KEY ...]', '/nestor config set <app> <env> KEY=VALUE ... [--secret]', '/nestor config unset <app> <env> KEY ...'].join('\n')],
    ['datastore reset', 'datastore reset takes 1 to 2 arguments, got 0', '/nestor datastore reset <env> [<datastore>] [--from <snapshot>]'],
    ['envs now', 'envs takes 0 arguments, got 1', '/nestor envs'],
    ['status', 'status takes 1 to 2 arguments, got 0', '/nestor status <app> [<env>]'],
  ])('%s → usage', (text, message, usage) => {
    const error = failure(text);
    expect(error.userMessage).toBe(message);
    expect(error.usage).toBe(usage);
  });

  it.each([
    ['deploy ../../x main dev3', 'invalid app name "../../x"'],
    ['deploy a/b main dev3', 'invalid app name "a/b"'],
    ['deploy Mary main dev3', 'invalid app name "Mary"'],
    [`deploy ${'a'.repeat(64)} main dev3`, 'invalid app name'],
    ['deploy mary main ../prod', 'invalid environment name "../prod"'],
    ['status mary PROD', 'invalid environment name "PROD"'],
    ['datastore reset dev3 ../pg', 'invalid datastore name "../pg"'],
    ['datastore reset dev3 pg --from ../../etc/passwd', 'invalid snapshot "../../etc/passwd": expected <env>/<datastore>/<UTC time>, as datastore list shows'],
    ['datastore reset dev3 pg --from', '--from needs a value'],
    ['deploy mary "main;curl x|sh" dev3', 'invalid ref "main;curl x|sh"'],
    ['deploy mary $(id) dev3', 'invalid ref "$(id)"'],
    ['deploy mary "`id`" dev3', 'invalid ref "`id`"'],
    ['deploy mary ../../etc dev3', 'invalid ref "../../etc"'],
    ['deploy mary --upload-pack=x dev3', 'unknown option "--upload-pack" for deploy'],
    ['rollback mary production HEAD~1', 'invalid history commit "HEAD~1"'],
    ['scale mary dev3 web=9:3', 'invalid scale "web=9:3": the minimum 9 is above the maximum 3'],
    ['scale mary dev3 web=x', 'invalid scale "web=x"'],
    ['scale mary dev3 Web=3', 'invalid scale "Web=3"'],
    ['scale mary dev3 web=1 web=2', 'web is scaled twice'],
    ['config set mary dev3 LOG_LEVEL', 'argument 1 has no "="'],
    ['config set mary dev3 1BAD=x', 'invalid variable name "1BAD"'],
    ['config set mary dev3 TOKEN=$SLACK_BOT_TOKEN', 'TOKEN: a value of the form $NAME'],
    ['config unset mary dev3 A=1', 'config unset takes variable names, not KEY=VALUE'],
    ['config unset mary dev3 A A', 'A is given twice'],
    ['config get mary dev3 --secret', 'unknown option "--secret" for config get'],
    ['config set mary dev3 "A=unterminated', 'unterminated quote'],
    ['run mary dev3', 'run takes at least 3 arguments, got 2'],
    ['run mary dev3 --', 'run takes at least 3 arguments, got 2'],
    ['run mary dev3 --verbose node x.js', 'unknown option "--verbose" for run'],
    ['run mary dev3 --process Web -- true', 'invalid process "Web"'],
  ])('%s', (text, message) => {
    expect(failure(text).userMessage).toContain(message);
  });

  it('never repeats a value in an error', () => {
    expect(failure('config set mary dev3 TOKEN=$HIDDEN_VALUE').userMessage).not.toContain('HIDDEN_VALUE');
    expect(failure('config set mary dev3 API_KEY="s3cr3t').userMessage).not.toContain('s3cr3t');
    expect(failure('config set mary dev3 API_KEY=s3cr3t API_KEY=other').userMessage).not.toContain('s3cr3t');
  });

  it('refuses very long input without echoing it', () => {
    expect(failure(`deploy ${'x'.repeat(5000)}`).userMessage).toBe('command too long: 5007 characters (at most 4000)');
  });
});

describe('describeCommand', () => {
  it('names secret keys but never their values', () => {
    const command = parseCommandOrThrow('config set mary production API_KEY=s3cr3t --secret');
    expect(describeCommand(command)).toBe('config set mary production API_KEY (secret)');
  });

  it('shows a run\'s command as one shell line, quoting what the shell would read', () => {
    const command = parseCommandOrThrow(`run mary dev3 --process worker -- node -e "console.log('hi')" a;b`);
    expect(describeCommand(command)).toBe(`run mary dev3 --process worker -- node -e 'console.log('\\''hi'\\'')' 'a;b'`);
  });
});

describe('tokenize', () => {
  it('keeps quoted spaces, escapes and empty words, expands nothing', () => {
    expect(tokenize(`a "b c" 'd $e' f\\ g "" h\\"i "j\\"k"`)).toEqual(['a', 'b c', 'd $e', 'f g', '', 'h"i', 'j"k']);
  });

  it('splits text without quotes or backslashes on any whitespace, as the scan of quoted text does', () => {
    const texts = ['deploy mary feature-x dev3', '  deploy\tmary \n feature-x  ', 'config set mary dev3 A=1\u00a0B=2', 'don’t stop', '', '   ', 'a$b `c` ${d}'];
    for (const text of texts) {
      // An escaped last word sends the same text through the character scan.
      expect(tokenize(`${text} \\x`)).toEqual([...tokenize(text), 'x']);
    }
    expect(tokenize('  deploy\tmary \n feature-x  ')).toEqual(['deploy', 'mary', 'feature-x']);
  });
});
