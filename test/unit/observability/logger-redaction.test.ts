// The processes' logger: secrets redacted by path whatever object they sit in, and lines written
// exactly as pino's own redaction writes them, the fast path for strings, numbers and booleans
// (primitivesPastWildcardRedaction) included.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { nestorLogger, REDACTED_PATHS } from '../../../src/main/logger.js';

function sink() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination };
}

const withoutTime = (line: string) => line.replace(/"time":\d+,/, '');

describe('nestorLogger', () => {
  it('redacts secrets at the top level, one level down and under headers and redis, in lines and in child bindings', () => {
    const { lines, destination } = sink();
    const logger = nestorLogger('nestor-test', { destination });
    logger.info({ token: 'xoxb-top', settings: { signingSecret: 's3cret', botToken: 'xoxb-nested', port: 3000 }, request: { headers: { authorization: 'Bearer abc', 'x-slack-signature': 'v0=sig', accept: 'json' } } }, 'started');
    logger.child({ job: { values: { API_KEY: 'k' }, app: 'mary' }, password: 'pw' }).warn({ redis: { url: 'redis://:pw@host', password: 'pw2', db: 1 }, REDIS_URL: 'redis://x' }, 'child line');
    logger.error({ err: Object.assign(new Error('boom'), { token: 'xoxb-in-error' }) }, 'failed');
    const text = lines.join('\n');
    for (const secret of ['xoxb-top', 's3cret', 'xoxb-nested', 'Bearer abc', 'v0=sig', 'API_KEY', 'redis://', 'pw2', '"pw"', 'xoxb-in-error']) expect(text).not.toContain(secret);
    const [first, second, third] = lines.map((l) => JSON.parse(l) as unknown);
    expect(first).toMatchObject({ token: '[redacted]', settings: { signingSecret: '[redacted]', botToken: '[redacted]', port: 3000 }, request: { headers: { authorization: '[redacted]', 'x-slack-signature': '[redacted]', accept: 'json' } }, msg: 'started' });
    expect(second).toMatchObject({ job: { values: '[redacted]', app: 'mary' }, password: '[redacted]', redis: { url: '[redacted]', password: '[redacted]', db: 1 }, REDIS_URL: '[redacted]', msg: 'child line' });
    expect(third).toMatchObject({ err: { message: 'boom', token: '[redacted]' }, msg: 'failed' });
  });

  it('writes every line as pino with the same redaction does: strings, numbers, booleans, null, arrays, objects, errors', () => {
    const ours = sink();
    const theirs = sink();
    const fast = nestorLogger('nestor-test', { destination: ours.destination, level: 'debug' });
    const plain = pino({ name: 'nestor-test', level: 'debug', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, theirs.destination);
    const error = new Error('bad "thing"');
    const write = (logger: typeof plain) => {
      const child = logger.child({ user: 'alice', env: 'dev3', attempt: 2, dry: false, quoted: 'a "b"\nc\u2028', none: null });
      child.info({ outcome: 'queued', jobId: 'slack-T0-1.2.3', count: 3.5, ok: true, nan: Number.NaN, list: ['a', 1, { token: 't' }], nested: { secret: 'x', keep: 'y' } }, 'command handled');
      child.debug('a message with %s', 'interpolation');
      child.warn({ err: error }, 'failed');
      logger.info({ big: 10n }, 'bigint');
      logger.info('plain');
    };
    write(fast);
    write(plain);
    expect(ours.lines.map(withoutTime)).toEqual(theirs.lines.map(withoutTime));
    expect(ours.lines).toHaveLength(5);
  });
});
