// The two Bolt apps slack-ack.bench measures, each on Bolt's HTTP receiver on a free loopback
// port with its WebClient pointed at the Slack API stand-in:
// - bare: an App whose `/nestor` handler only acks;
// - nestor: buildBoltApp over the services of `nestor bot` (main/bot.ts botServices: BullMQ and
//   the approval store on Redis, the example nestor-config, git; no cluster), with the queue
//   under a name of its own so a shared REDIS_URL is left as it was found.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { App, LogLevel } from '@slack/bolt';
import { BullmqJobQueue } from '../../src/adapters/queue/bullmq-queue.js';
import { buildBoltApp } from '../../src/adapters/slack/bolt-app.js';
import { botServices, producerRedis } from '../../src/main/bot.js';
import { nestorLogger } from '../../src/main/logger.js';

export const SECRET = 'bench-signing-secret';
export const TOKEN = 'xoxb-bench-token';

export interface RunningApp {
  /** Where to POST signed requests: http://127.0.0.1:<port>/slack/events */
  url: string;
  stop(): Promise<void>;
}

export interface NestorApp extends RunningApp {
  queue: BullmqJobQueue;
  /** Log lines at warn or above (each one is kept, the rest are only counted). */
  warnings: string[];
  logLines(): number;
}

async function listen(app: App): Promise<string> {
  const server = (await app.start(0)) as Server;
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
}

export async function startBareBolt(slackApiUrl: string): Promise<RunningApp> {
  const app = new App({ signingSecret: SECRET, token: TOKEN, clientOptions: { slackApiUrl }, logLevel: LogLevel.WARN });
  app.command('/nestor', async ({ ack }) => {
    await ack();
  });
  const url = await listen(app);
  return { url, stop: () => app.stop().then(() => undefined) };
}

/** The repository's example nestor-config, found upward from this file (bench/ or dist/bench/). */
export function exampleConfigDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'nestor-config'))) return join(dir, 'nestor-config');
    dir = dirname(dir);
  }
  throw new Error('nestor-config not found above bench/');
}

export async function startNestorBolt(slackApiUrl: string, redisUrl: string): Promise<NestorApp> {
  const root = mkdtempSync(join(tmpdir(), 'nestor-bench-slack-'));
  // The logger of `nestor bot` at its level, into a sink: lines are serialised, not printed.
  let lines = 0;
  const warnings: string[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      lines += 1;
      const text = chunk.toString();
      if (/"level":(40|50|60)/.test(text) && warnings.length < 20) warnings.push(text.trim());
      done();
    },
  });
  const logger = nestorLogger('nestor-bot', { destination: sink });
  const history = join(root, 'history.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', history]);
  const settings = { signingSecret: SECRET, botToken: TOKEN, slackApiUrl, redis: { kind: 'server' as const, url: redisUrl }, configDir: exampleConfigDir(), history, port: 0, stopTimeoutMs: 25_000, jobLockMs: 30_000, historyRetryMs: 60_000, healthPort: 0, logLevel: 'info' as const };
  const redis = producerRedis(redisUrl, logger);
  await redis.ping().catch(async () => {
    await new Promise((resolve) => redis.once('ready', resolve)); // enableOfflineQueue is off: wait for the connection
  });
  const queue = new BullmqJobQueue({ connection: redis, name: `bench-slack-${randomUUID().slice(0, 8)}` });
  const composed = botServices(settings, { NESTOR_STATE: join(root, 'state') }, root, redis, logger);
  await (composed.queue as BullmqJobQueue).close(); // replaced by the queue of its own name
  const services = { ...composed, queue };
  const app = buildBoltApp({ signingSecret: SECRET, token: TOKEN, clientOptions: { slackApiUrl }, services });
  const url = await listen(app);
  return {
    url, queue, warnings,
    logLines: () => lines,
    stop: async () => {
      await app.stop();
      await queue.queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      redis.disconnect();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
