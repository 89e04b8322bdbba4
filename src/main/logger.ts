// The JSON logger of Nestor's processes: pino, secrets redacted by path (tokens, the signing
// secret, config values), whatever object they sit in.
import { pino, type DestinationStream, type Logger } from 'pino';

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
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
