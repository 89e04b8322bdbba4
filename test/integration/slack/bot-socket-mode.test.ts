// The bot in Socket Mode on real parts: Nestor's Bolt app with an app-level token connects to the
// Socket Mode stand-in (a WebSocket server on loopback, reached through `apps.connections.open`
// on the Slack API stand-in), BullMQ on the test redis-server, the release fixture's config.
// Envelopes go in over the socket; what the bot acks and queues is read from the stand-in and Redis.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { BullmqJobQueue } from '../../../src/adapters/queue/bullmq-queue.js';
import { RedisApprovalPostings } from '../../../src/adapters/redis/redis-approval-postings.js';
import { RedisApprovalStore } from '../../../src/adapters/redis/redis-approval-store.js';
import { buildBoltApp } from '../../../src/adapters/slack/bolt-app.js';
import { slackPeople } from '../../../src/adapters/slack/slack-people.js';
import type { BotServices } from '../../../src/adapters/slack/bot/bot-services.js';
import { policyFromConfig } from '../../../src/core/commands/environment-policy.js';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { APPROVE_ACTION } from '../../../src/core/commands/replies.js';
import { producerRedis } from '../../../src/main/bot.js';
import { nestorLogger } from '../../../src/main/logger.js';
import { SECRET, TEST_USERS, TOKEN } from '../../support/bot-world.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { redisUrl, uniqueName } from '../../support/redis.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { startSlackApiStandin, type RecordedCall, type SlackApiStandin } from '../../support/slack-api-standin.js';
import { blockActionsBody, slashCommandBody, type BlockActionInput, type SlashCommandInput } from '../../support/slack-signing.js';
import { startSocketModeStandin, type Envelope, type SocketModeStandin } from '../../support/socket-mode-standin.js';

const APP_TOKEN = 'xapp-1-A0NESTOR-1-socket-mode-test';

interface SocketWorld {
  sockets: SocketModeStandin;
  slack: SlackApiStandin;
  app: App;
  queue: BullmqJobQueue;
  redis: Redis;
  logs: Record<string, unknown>[];
  /** A `/nestor` slash command envelope as Slack sends it over the socket (payload: the command's fields). */
  command(envelopeId: string, input: SlashCommandInput & { responseId: string }): Envelope;
  /** A button click envelope as Slack sends it over the socket (payload: the parsed `block_actions`). */
  click(envelopeId: string, input: Omit<BlockActionInput, 'responseUrl'> & { responseId: string }): Envelope;
  /** Every response_url POST to `id`, as text. */
  responses(id: string): string[];
  /** The first response_url POST to `id` whose text contains `text`. */
  response(id: string, text: string): Promise<RecordedCall>;
  /** Closes everything (idempotent): the app, the queue, Redis, both stand-ins. */
  close(): Promise<void>;
}

async function socketWorld(ctx: TestContext): Promise<SocketWorld> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const step of closers.splice(0).reverse()) await step().catch(() => undefined);
  };
  ctx.onTestFinished(close);
  const sockets = await startSocketModeStandin();
  closers.push(() => sockets.stop());
  const slack = await startSlackApiStandin({ users: TEST_USERS, socketMode: { url: () => sockets.url(), appTokens: [APP_TOKEN] } });
  closers.push(() => slack.stop());
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => void (logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) });
  const logger = nestorLogger('nestor-bot-socket-test', { level: 'debug', destination: sink });
  const redis = producerRedis(redisUrl(), logger);
  closers.push(async () => redis.disconnect());
  const prefix = `${uniqueName('bot')}:`;
  const queue = new BullmqJobQueue({ connection: redis, name: uniqueName('queue'), backoffMs: 20, attempts: 2 });
  closers.push(() => queue.close());
  const { deps } = fixture;
  const services: BotServices = {
    queue, approvals: new RedisApprovalStore({ redis, prefix }), postings: new RedisApprovalPostings({ redis, prefix: `${prefix}posting:` }),
    config: deps.config, source: deps.source, history: deps.history,
    policyOf: policyFromConfig(deps.config), clock: deps.wallClock, logger, enqueueTimeoutMs: 2_000, queueReady: () => redis.status === 'ready',
    people: slackPeople(new WebClient(TOKEN, { slackApiUrl: slack.apiUrl })),
  };
  const app = buildBoltApp({ signingSecret: SECRET, token: TOKEN, appToken: APP_TOKEN, clientOptions: { slackApiUrl: slack.apiUrl }, services });
  closers.push(() => app.stop());
  await app.start();
  const texts = (id: string) => slack.callsOf('response_url').filter((c) => c.args['id'] === id).map((c) => JSON.stringify(c.args));
  return {
    sockets, slack, app, queue, redis, logs, close,
    command: (envelopeId, input) => ({
      envelope_id: envelopeId, type: 'slash_commands', accepts_response_payload: true, retry_attempt: 0, retry_reason: '',
      payload: Object.fromEntries(new URLSearchParams(slashCommandBody({ ...input, responseUrl: slack.responseUrl(input.responseId) }))),
    }),
    click: (envelopeId, input) => ({
      envelope_id: envelopeId, type: 'interactive', accepts_response_payload: false, retry_attempt: 0, retry_reason: '',
      payload: JSON.parse(new URLSearchParams(blockActionsBody({ ...input, responseUrl: slack.responseUrl(input.responseId) })).get('payload')!) as Record<string, unknown>,
    }),
    responses: texts,
    response: (id, text) => eventually(`a response_url POST to "${id}" saying "${text}"`,
      () => slack.callsOf('response_url').find((c) => c.args['id'] === id && JSON.stringify(c.args).includes(text)), 10_000)
      .catch((error: Error) => Promise.reject(new Error(`${error.message}; it was sent: ${JSON.stringify(texts(id))}`))),
  };
}

const deployDev3 = { text: 'deploy mary feature-x dev3' };
const waitingJobs = (world: SocketWorld) => world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed');

/** Sockets, servers and timers of the process by kind (what keeps Node from exiting). */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

const fixture = useReleaseFixture();
afterAll(() => cleanupFixtures());

describe('the bot in Socket Mode', () => {
  it('connects with the app token, acks a slash command envelope and queues exactly one job', async (ctx) => {
    const world = await socketWorld(ctx);
    const open = world.slack.callsOf('apps.connections.open');
    expect(open.map((c) => c.token)).toEqual([APP_TOKEN]);
    expect(world.sockets.connections).toHaveLength(1);

    const sent = world.sockets.deliver(world.command('E1.once', { ...deployDev3, triggerId: 'T1.once', responseId: 'once' }));
    const ack = await world.sockets.waitForAck('E1.once');
    expect(ack.connection).toBe(1);
    expect(ack.payload).toEqual({});
    const jobId = requestKey('T0NESTOR', 'T1.once');
    const told = await world.response('once', `queued as job ${jobId}`);
    expect(told.at).toBeGreaterThanOrEqual(ack.at);
    expect(sent.retry_attempt).toBe(0);
    expect(await waitingJobs(world)).toBe(1);
    expect((await world.queue.get(jobId))?.job).toMatchObject({ kind: 'deploy', app: 'mary', env: 'dev3', ref: 'feature-x', user: 'alice', origin: { kind: 'slack', channel: 'C0DEPLOYS' } });
  });

  it('answers a typo in the ack payload itself, with "did you mean"', async (ctx) => {
    const world = await socketWorld(ctx);
    world.sockets.deliver(world.command('E2.typo', { text: 'deplyo mary feature-x dev3', triggerId: 'T2.typo', responseId: 'typo' }));
    const ack = await world.sockets.waitForAck('E2.typo');
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(ack.payload)).toContain('did you mean \\"deploy\\"?');
    expect(await waitingJobs(world)).toBe(0);
  });

  it('a redelivered envelope (same envelope_id and trigger_id, retry_attempt 1) queues nothing more and says "already queued"', async (ctx) => {
    const world = await socketWorld(ctx);
    const envelope = world.command('E3.retry', { ...deployDev3, triggerId: 'T3.retry', responseId: 'retry' });
    const jobId = requestKey('T0NESTOR', 'T3.retry');
    world.sockets.deliver(envelope);
    await world.sockets.waitForAck('E3.retry', 1);
    await world.response('retry', `queued as job ${jobId}`);

    world.sockets.deliver({ ...envelope, retry_attempt: 1, retry_reason: 'timeout' });
    const second = await world.sockets.waitForAck('E3.retry', 2);
    expect(second.connection).toBe(1);
    await world.response('retry', `already queued as job ${jobId}`);
    expect(world.responses('retry')).toHaveLength(2);
    expect(await waitingJobs(world)).toBe(1);
  });

  it('two deliveries of one envelope in flight at once still make one job', async (ctx) => {
    const world = await socketWorld(ctx);
    const envelope = world.command('E4.race', { ...deployDev3, triggerId: 'T4.race', responseId: 'race' });
    const jobId = requestKey('T0NESTOR', 'T4.race');
    world.sockets.deliver(envelope);
    world.sockets.deliver({ ...envelope, retry_attempt: 1, retry_reason: 'timeout' });
    await world.sockets.waitForAck('E4.race', 2);
    await world.response('race', `already queued as job ${jobId}`);
    await eventually('both replies', () => world.responses('race').length === 2);
    const replies = world.responses('race');
    expect(replies.filter((r) => r.includes(`already queued as job ${jobId}`))).toHaveLength(1);
    expect(replies.filter((r) => !r.includes('already queued') && r.includes(`queued as job ${jobId}`))).toHaveLength(1);
    expect(await waitingJobs(world)).toBe(1);
  });

  it('redelivered after a reconnect (Slack\'s "disconnect" message), the envelope still makes one job', async (ctx) => {
    const world = await socketWorld(ctx);
    const envelope = world.command('E5.reconnect', { ...deployDev3, triggerId: 'T5.reconnect', responseId: 'reconnect' });
    const jobId = requestKey('T0NESTOR', 'T5.reconnect');
    world.sockets.deliver(envelope);
    expect((await world.sockets.waitForAck('E5.reconnect', 1)).connection).toBe(1);
    await world.response('reconnect', `queued as job ${jobId}`);

    world.sockets.refresh('refresh_requested');
    expect((await world.sockets.waitForClose(1)).code).toBe(1000);
    await world.sockets.waitForConnection(2);
    expect(world.slack.callsOf('apps.connections.open').map((c) => c.token)).toEqual([APP_TOKEN, APP_TOKEN]);

    world.sockets.deliver({ ...envelope, retry_attempt: 1, retry_reason: 'timeout' });
    expect((await world.sockets.waitForAck('E5.reconnect', 2)).connection).toBe(2);
    await world.response('reconnect', `already queued as job ${jobId}`);
    expect(world.responses('reconnect')).toHaveLength(2);
    expect(await waitingJobs(world)).toBe(1);
    expect((await world.queue.get(jobId))?.job).toMatchObject({ kind: 'deploy', app: 'mary', env: 'dev3', ref: 'feature-x' });
  });

  it('refuses a user not allowed on the environment: acked, told why, nothing queued', async (ctx) => {
    appendFileSync(join(fixture.configDir, 'dev1/project.yaml'), '\naccess: { users: [bob] }\n');
    const world = await socketWorld(ctx);
    world.sockets.deliver(world.command('E6.refused', { text: 'deploy mary feature-x dev1', triggerId: 'T6.refused', responseId: 'refused' }));
    expect((await world.sockets.waitForAck('E6.refused')).payload).toEqual({});
    const told = await world.response('refused', 'alice may not change dev1: only @bob');
    expect(told.args['response_type']).toBe('ephemeral');
    expect(await world.queue.get(requestKey('T0NESTOR', 'T6.refused'))).toBeUndefined();
    expect(await waitingJobs(world)).toBe(0);
    expect(world.logs.some((l) => l['msg'] === 'command refused' && l['user'] === 'alice')).toBe(true);
  });

  it('a redelivered Approve click (interactive envelope) makes one decision and one job', async (ctx) => {
    const world = await socketWorld(ctx);
    world.sockets.deliver(world.command('E8.ask', { text: 'deploy mary feature-x production', user: { id: 'U0BOB', name: 'bob' }, triggerId: 'T8.ask', responseId: 'ask' }));
    await world.response('ask', 'waiting for approval by alice or carol');
    const id = requestKey('T0NESTOR', 'T8.ask');
    expect(await waitingJobs(world)).toBe(0);

    const click = world.click('E8.click', { actionId: APPROVE_ACTION, value: id, user: { id: 'U0ALICE', name: 'alice' }, responseId: 'click' });
    world.sockets.deliver(click);
    expect((await world.sockets.waitForAck('E8.click', 1)).payload).toEqual({});
    await world.response('click', 'approved: deploy mary@');
    world.sockets.deliver({ ...click, retry_attempt: 1, retry_reason: 'timeout' });
    await world.sockets.waitForAck('E8.click', 2);
    await world.response('click', 'already approved by alice');
    expect(await waitingJobs(world)).toBe(1);
    expect((await world.queue.get(`${id}.approved`))?.job).toMatchObject({ kind: 'deploy', approvedBy: 'alice', user: 'bob' });
  });

  it('app.stop() closes the socket normally, does not reconnect, and leaves no open handles', async (ctx) => {
    const before = handles();
    const world = await socketWorld(ctx);
    world.sockets.deliver(world.command('E7.stop', { ...deployDev3, triggerId: 'T7.stop', responseId: 'stop' }));
    await world.sockets.waitForAck('E7.stop');
    await world.response('stop', 'queued as job');

    await world.app.stop();
    expect((await world.sockets.waitForClose(1)).code).toBe(1000);
    await world.close();
    expect(world.slack.callsOf('apps.connections.open')).toHaveLength(1);
    expect(world.sockets.connections).toHaveLength(1);
    const leaked = () => Object.entries(handles()).filter(([kind, n]) => n > (before[kind] ?? 0));
    await eventually('the handles opened by the bot to be closed', () => leaked().length === 0, 5_000).catch(() => {
      throw new Error(`handles left open after app.stop(): ${JSON.stringify(Object.fromEntries(leaked()))}`);
    });
  });
});
