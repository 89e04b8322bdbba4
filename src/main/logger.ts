// The JSON logger of Nestor's processes: pino, secrets redacted by path (tokens, the signing
// secret, config values), whatever object they sit in.
import { pino, symbols, type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'token', '*.token', 'botToken', '*.botToken', 'appToken', '*.appToken',
  'signingSecret', '*.signingSecret', 'SLACK_SIGNING_SECRET', '*.SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN', '*.SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', '*.SLACK_APP_TOKEN',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'headers["x-slack-signature"]', '*.headers["x-slack-signature"]',
  'headers["x-hub-signature-256"]', '*.headers["x-hub-signature-256"]', 'githubWebhookSecret', '*.githubWebhookSecret', 'tokens', '*.tokens',
  'values', '*.values', 'secret', '*.secret', 'secretValues', '*.secretValues',
  'password', '*.password', 'REDIS_URL', '*.REDIS_URL', 'redisUrl', '*.redisUrl',
  'redis.url', '*.redis.url', 'redis.password', '*.redis.password', 'sentinelPassword', '*.sentinelPassword', 'redis.sentinelPassword', '*.redis.sentinelPassword',
  'NESTOR_REDIS_SENTINEL_PASSWORD', '*.NESTOR_REDIS_SENTINEL_PASSWORD',
];

export function nestorLogger(name: string, options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const settings = { name, level: options.level ?? 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return primitivesPastWildcardRedaction(options.destination ? pino(settings, options.destination) : pino(settings));
}

type Stringifier = (value: unknown, ...rest: unknown[]) => string | undefined;

/**
 * pino 10 passes every top-level value of a line (its message and child bindings too) to the
 * redactor of the `*.key` paths, which parses each path again on each call (@pinojs/redact): about
 * 7 µs per value, ten times the rest of a line. A path under a key can only match inside an object,
 * so a string, number or boolean is written as that redactor would write it (JSON), and objects,
 * arrays and anything else still go through it. Children share the root's stringifiers. Should a
 * pino release move these internals, nothing is changed and every value keeps the slow path.
 */
export function primitivesPastWildcardRedaction(logger: Logger): Logger {
  const stringifiers = (logger as unknown as Record<symbol, Record<symbol, Stringifier | undefined> | undefined>)[symbols.stringifiersSym];
  const wildcard = stringifiers?.[symbols.wildcardFirstSym];
  if (!stringifiers || typeof wildcard !== 'function') return logger;
  stringifiers[symbols.wildcardFirstSym] = (value, ...rest) => {
    const type = typeof value;
    return type === 'string' || type === 'number' || type === 'boolean' ? JSON.stringify(value) : wildcard(value, ...rest);
  };
  return logger;
}
