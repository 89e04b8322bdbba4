// The Slack bot on real parts for tests: Bolt's HTTP receiver on a free port with its WebClient
// pointed at the Slack API stand-in, BullMQ and the approval store on the test redis-server
// (or on `redisUrl`, e.g. a closed port), and the release fixture's config and git (no cluster: the bot has none).
// Approval time is a manual clock, and the sweep of expired approvals (started as `nestor bot`
// starts it) ticks only on `sweepTimers.fire()`; everything is closed when the test finishes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { TestContext } from 'vitest';
import { BullmqJobQueue } from '../../src/adapters/queue/bullmq-queue.js';
import { RedisApprovalPostings } from '../../src/adapters/redis/redis-approval-postings.js';
import { RedisApprovalStore } from '../../src/adapters/redis/redis-approval-store.js';
import { BullmqScheduleQueue } from '../../src/adapters/schedules/bullmq-schedule-queue.js';
import { RedisScheduleRuns } from '../../src/adapters/schedules/redis-schedule-runs.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import { buildBoltApp } from '../../src/adapters/slack/bolt-app.js';
import { slackPeople } from '../../src/adapters/slack/slack-people.js';
import { startApprovalSweeper } from '../../src/adapters/slack/bot/approval-sweep.js';
import type { BotServices } from '../../src/adapters/slack/bot/bot-services.js';
import { policyFromConfig } from '../../src/core/commands/environment-policy.js';
import type { Clock } from '../../src/core/ports/clock.js';
import { producerRedis } from '../../src/main/bot.js';
import { nestorLogger } from '../../src/main/logger.js';
import { ManualIntervals } from '../../src/testkit/fakes/time/manual-clock.js';
import type { ReleaseFixture } from './release-fixture.js';
import { redisUrl, uniqueName } from './redis.js';
import { startSlackApiStandin, type RecordedCall, type SlackApiStandin, type StandinUser } from './slack-api-standin.js';
import { sendToSlackReceiver, type SignedRequest, type SlackHttpResponse } from './slack-signing.js';

export const SECRET = 'bot-test-signing-secret';
export const TOKEN = 'xoxb-bot-test-token';
/** The workspace's members in the Slack API stand-in: the people the tests' requests come from. */
export const TEST_USERS: Record<string, StandinUser> = {
  U0ALICE: { name: 'alice' }, U0BOB: { name: 'bob' }, U0CAROL: { name: 'carol' }, U0DAVE: { name: 'dave' }, U0EVE: { name: 'eve' },
};

export interface BotWorld {
  url: string;
  slack: SlackApiStandin;
  app: App;
  queue: BullmqJobQueue;
  services: BotServices;
  redis: Redis;
  /** The key prefix of the approval store (another client of the same store: another bot). */
  prefix: string;
  /** The timer of the bot's approval sweep: `fire()` runs a pass and resolves when it is done. */
  sweepTimers: ManualIntervals;
  /** Every log line, parsed. */
  logs: Record<string, unknown>[];
  advance(ms: number): void;
  send(request: SignedRequest): Promise<SlackHttpResponse>;
  /** The first response_url POST to `id` whose text contains `text`. */
  response(id: string, text: string): Promise<RecordedCall>;
}

export interface BotWorldOptions {
  redisUrl?: string;
  /** The Slack workspace's members (default TEST_USERS). */
  users?: Record<string, StandinUser>;
  enqueueTimeoutMs?: number;
}

export async function botWorld(ctx: TestContext, fixture: ReleaseFixture, options: BotWorldOptions = {}): Promise<BotWorld> {
  const closers: (() => Promise<unknown>)[] = [];
  ctx.onTestFinished(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });
  const slack = await startSlackApiStandin({ users: options.users ?? TEST_USERS });
  closers.push(() => slack.stop());
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => void (logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) });
  const logger = nestorLogger('nestor-bot-test', { level: 'debug', destination: sink });
  const redis = producerRedis(options.redisUrl ?? redisUrl(), logger);
  closers.push(async () => redis.disconnect());
  const prefix = `${uniqueName('bot')}:`;
  const queue = new BullmqJobQueue({ connection: redis, name: uniqueName('queue'), backoffMs: 20, attempts: 2 });
  closers.push(() => queue.close());
  const schedules = { queue: new BullmqScheduleQueue({ connection: redis, name: uniqueName('schedules') }), runs: new RedisScheduleRuns(redis, `${prefix}runs:`) };
  closers.push(() => schedules.queue.close());
  // Approvals expire by a time the test moves (advance); nothing in the bot waits on it.
  let now = Date.now();
  const clock: Clock = { now: () => now, sleep: systemClock.sleep };
  const { deps } = fixture;
  const services: BotServices = {
    queue, approvals: new RedisApprovalStore({ redis, prefix }), postings: new RedisApprovalPostings({ redis, prefix: `${prefix}posting:` }),
    config: deps.config, source: deps.source, history: deps.history, environment: deps.environment,
    policyOf: policyFromConfig(deps.config), clock, logger, schedules,
    enqueueTimeoutMs: options.enqueueTimeoutMs ?? 2_000, queueReady: () => redis.status === 'ready',
    people: slackPeople(new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } })),
  };
  const app = buildBoltApp({ signingSecret: SECRET, token: TOKEN, clientOptions: { slackApiUrl: slack.apiUrl }, services });
  const server = (await app.start(0)) as Server;
  closers.push(() => app.stop());
  const sweepTimers = new ManualIntervals();
  const sweeper = startApprovalSweeper(services, app.client, { timers: sweepTimers });
  closers.push(() => sweeper.stop());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  return {
    url, slack, app, queue, services, redis, prefix, sweepTimers, logs,
    advance: (ms) => void (now += ms),
    send: (request) => sendToSlackReceiver(url, request),
    response: (id, text) => slack.waitForCall('response_url', (c) => c.args['id'] === id && JSON.stringify(c.args).includes(text)),
  };
}

/** A TCP port nothing listens on (a listener opened then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
