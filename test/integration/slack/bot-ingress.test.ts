// Slack ingress faults on the real bot: signed requests into Bolt's HTTP receiver, BullMQ on the
// test redis-server, the release fixture's config.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { botWorld, closedPort, SECRET } from '../../support/bot-world.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { asRetry, forged, signedSlashCommand, slashCommandBody, stale } from '../../support/slack-signing.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const deployDev3 = (world: { slack: { responseUrl(id: string): string } }, id: string, trigger = id) =>
  signedSlashCommand(SECRET, { text: 'deploy mary feature-x dev3', triggerId: trigger, responseUrl: world.slack.responseUrl(id) });

describe('slash commands into the bot', () => {
  it('refuses a forged signature and a stale timestamp with 401; nothing is queued', async (ctx) => {
    const world = await botWorld(ctx, f);
    const signed = deployDev3(world, 'forged', 'T1.forged');
    expect((await world.send(forged(signed))).status).toBe(401);
    expect((await world.send(stale(SECRET, slashCommandBody({ text: 'deploy mary feature-x dev3', triggerId: 'T1.stale' })))).status).toBe(401);
    expect(await world.queue.get(requestKey('T0NESTOR', 'T1.forged'))).toBeUndefined();
    expect(await world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
    expect(world.slack.callsOf('response_url')).toEqual([]);
  });

  it('queues a Slack retry and a replayed request once, and says "already queued"', async (ctx) => {
    const world = await botWorld(ctx, f);
    const first = deployDev3(world, 'first', 'T2.once');
    const ack = await world.send(first);
    expect(ack.status).toBe(200);
    const jobId = requestKey('T0NESTOR', 'T2.once');
    await world.response('first', `queued as job ${jobId}`);
    const retry = deployDev3(world, 'retry', 'T2.once');
    expect((await world.send(asRetry(retry, 1))).status).toBe(200);
    await world.response('retry', `already queued as job ${jobId}`);
    const replay = deployDev3(world, 'replay', 'T2.once');
    expect((await world.send(replay)).status).toBe(200);
    await world.response('replay', `already queued as job ${jobId}`);
    expect(await world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(1);
    expect((await world.queue.get(jobId))?.job).toMatchObject({ kind: 'deploy', app: 'mary', env: 'dev3', ref: 'feature-x', user: 'alice', origin: { kind: 'slack', channel: 'C0DEPLOYS' } });
  });

  it('acknowledges at once when Redis is down and tells the queue is unavailable', async (ctx) => {
    const world = await botWorld(ctx, f, { redisUrl: `redis://127.0.0.1:${await closedPort()}`, enqueueTimeoutMs: 300 });
    const ack = await world.send(deployDev3(world, 'down', 'T3.down'));
    const ackedAt = Date.now();
    expect(ack.status).toBe(200);
    const told = await world.response('down', 'the job queue is unavailable');
    expect(JSON.stringify(told.args)).toContain('nothing was queued');
    // The ack did not wait for the queue: the unavailability is told afterwards, through response_url.
    expect(told.at).toBeGreaterThanOrEqual(ackedAt);
  });

  it('refuses a command over a malformed config with the file and line, and queues nothing', async (ctx) => {
    appendFileSync(join(f.configDir, 'dev3/project.yaml'), '\nrelease: [unclosed\n');
    const world = await botWorld(ctx, f);
    await world.send(deployDev3(world, 'broken', 'T4.broken'));
    const told = await world.response('broken', 'dev3/project.yaml:');
    // The YAML error alone: not the apps of an environment "without" its project.yaml.
    expect(told.args['text']).toMatch(/^dev3\/project\.yaml:\d+:\d+: invalid YAML/);
    expect(await world.queue.get(requestKey('T0NESTOR', 'T4.broken'))).toBeUndefined();
    expect(await world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
  });

  it('refuses a user not allowed on the environment before anything is queued', async (ctx) => {
    appendFileSync(join(f.configDir, 'dev1/project.yaml'), '\naccess: { users: [bob] }\n');
    const world = await botWorld(ctx, f);
    await world.send(signedSlashCommand(SECRET, { text: 'deploy mary feature-x dev1', triggerId: 'T4.refused', responseUrl: world.slack.responseUrl('refused') }));
    const told = await world.response('refused', 'alice may not change dev1: only @bob');
    expect(told.args['response_type']).toBe('ephemeral');
    expect(await world.queue.get(requestKey('T0NESTOR', 'T4.refused'))).toBeUndefined();
    expect(world.logs.some((l) => l['msg'] === 'command refused' && l['user'] === 'alice')).toBe(true);
    // Access is by Slack user id: a user_name of `bob` from someone else grants nothing.
    await world.send(signedSlashCommand(SECRET, { text: 'deploy mary feature-x dev1', user: { id: 'U0MALLORY', name: 'bob' }, triggerId: 'T4.impostor', responseUrl: world.slack.responseUrl('impostor') }));
    await world.response('impostor', 'bob may not change dev1: only @bob');
    expect(await world.queue.get(requestKey('T0NESTOR', 'T4.impostor'))).toBeUndefined();
  });

  it('answers a typo with help and "did you mean", in the ack itself', async (ctx) => {
    const world = await botWorld(ctx, f);
    const ack = await world.send(signedSlashCommand(SECRET, { text: 'deplyo mary feature-x dev3', triggerId: 'T5.typo' }));
    expect(ack.status).toBe(200);
    const body = JSON.parse(ack.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('did you mean "deploy"?');
  });

  it('answers a mistyped environment with "did you mean"; nothing is queued', async (ctx) => {
    const world = await botWorld(ctx, f);
    await world.send(signedSlashCommand(SECRET, { text: 'deploy mary feature-x dev33', triggerId: 'T5.env', responseUrl: world.slack.responseUrl('env') }));
    const told = await world.response('env', 'unknown environment');
    expect(JSON.stringify(told.args)).toContain('unknown environment \\"dev33\\"; did you mean \\"dev3\\"?');
    expect(told.args['response_type']).toBe('ephemeral');
    expect(await world.queue.get(requestKey('T0NESTOR', 'T5.env'))).toBeUndefined();
  });

  it('refuses secret values from Slack, queues nothing and never logs the value', async (ctx) => {
    const world = await botWorld(ctx, f);
    await world.send(signedSlashCommand(SECRET, { text: 'config set mary dev3 API_KEY=hunter2-value --secret', triggerId: 'T6.secret', responseUrl: world.slack.responseUrl('secret') }));
    await world.response('secret', 'secrets cannot be set from Slack');
    expect(await world.queue.get(requestKey('T0NESTOR', 'T6.secret'))).toBeUndefined();
    expect(JSON.stringify(world.logs)).not.toContain('hunter2-value');
  });

  it('answers envs and history directly, without a job', async (ctx) => {
    const world = await botWorld(ctx, f);
    await world.send(signedSlashCommand(SECRET, { text: 'envs', triggerId: 'T7.envs', responseUrl: world.slack.responseUrl('envs') }));
    await world.response('envs', 'production (approval)');
    await world.send(signedSlashCommand(SECRET, { text: 'history mary dev3', triggerId: 'T7.history', responseUrl: world.slack.responseUrl('history') }));
    await world.response('history', 'no releases of mary in dev3');
    expect(await world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
  });

  it('answers schedules from the config and the run records, without a job', async (ctx) => {
    const world = await botWorld(ctx, f);
    await world.send(signedSlashCommand(SECRET, { text: 'schedules', triggerId: 'T8.schedules', responseUrl: world.slack.responseUrl('schedules') }));
    const answer = JSON.stringify((await world.response('schedules', 'Schedules')).args);
    expect(answer).toContain('staging-release');
    expect(answer).toContain('never ran');
    // A reading command the bot cannot answer (it holds no cluster credentials) says where it can be.
    await world.send(signedSlashCommand(SECRET, { text: 'config get mary staging', triggerId: 'T8.config', responseUrl: world.slack.responseUrl('config') }));
    await world.response('config', '`config get` is not available from Slack yet: use `nestor config get mary staging` in a terminal');
    expect(await world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
  });
});
