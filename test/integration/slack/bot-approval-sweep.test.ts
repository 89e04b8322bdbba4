// The sweep of expired approval requests through the real bot: nobody decides, the request
// expires on the bot's sweep, every posted copy of the message loses its buttons and says
// "expired", and a later click is refused with nothing queued. Two bot processes sweeping at
// once record one expiry and update each copy once. A decision whose follow-ups were not all
// done (the bot died after recording it, Slack refused a copy) is finished by a later sweep.
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { RedisApprovalStore } from '../../../src/adapters/redis/redis-approval-store.js';
import { startApprovalSweeper } from '../../../src/adapters/slack/bot/approval-sweep.js';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import type { ApprovalStore } from '../../../src/core/ports/approval-store.js';
import { decideStored } from '../../../src/core/commands/approval-flow.js';
import { APPROVE_ACTION, REJECT_ACTION } from '../../../src/core/commands/replies.js';
import { FOLLOW_UP_LEASE_MS } from '../../../src/core/ports/approval-store.js';
import { botWorld, SECRET, type BotWorld } from '../../support/bot-world.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { ManualIntervals } from '../../../src/testkit/fakes/time/manual-clock.js';
import { redisClient } from '../../support/redis.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { signedBlockAction, signedSlashCommand } from '../../support/slack-signing.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const BOB = { id: 'U0BOB', name: 'bob' };
const CAROL = { id: 'U0CAROL', name: 'carol' };
const COPIES = ['C0DEPLOYS', 'tech-release-prod'];

async function requested(ctx: TestContext): Promise<{ world: BotWorld; id: string }> {
  const world = await botWorld(ctx, f);
  await world.send(signedSlashCommand(SECRET, { text: 'deploy mary feature-x production', user: BOB, triggerId: 'T.sweep', responseUrl: world.slack.responseUrl('ask') }));
  await world.response('ask', 'waiting for approval by alice or carol');
  return { world, id: requestKey('T0NESTOR', 'T.sweep') };
}

const expiredLogs = (world: BotWorld) => world.logs.filter((l) => l['msg'] === 'approval expired');
const pendingJobs = (world: BotWorld) => world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed');

/** Both stores list before either writes: the two sweeps race on the compare-and-set itself. */
function listingTogether(stores: readonly ApprovalStore[]): ApprovalStore[] {
  let listed = 0;
  let all!: () => void;
  const together = new Promise<void>((resolve) => (all = resolve));
  return stores.map((store) => ({
    create: (r) => store.create(r),
    get: (id) => store.get(id),
    compareAndSet: (id, version, next) => store.compareAndSet(id, version, next),
    listUnsettled: (query) => store.listUnsettled(query),
    claimFollowUp: (id, now) => store.claimFollowUp(id, now),
    settle: (id) => store.settle(id),
    listPending: async (query) => {
      const found = await store.listPending(query);
      listed += 1;
      if (listed === stores.length) all();
      await together;
      return found;
    },
  }));
}

describe('the sweep of expired approval requests', () => {
  it('expires a request past its time, updates every copy to "expired" without buttons, and refuses a later click', async (ctx) => {
    const { world, id } = await requested(ctx);
    expect(world.slack.callsOf('chat.postMessage').map((c) => c.args['channel']).sort()).toEqual(COPIES);

    world.advance(59 * 60_000);
    await world.sweepTimers.fire();
    expect(await world.services.approvals.get(id)).toMatchObject({ state: 'pending', version: 1 });
    expect(world.slack.callsOf('chat.update')).toHaveLength(0);

    world.advance(2 * 60_000);
    await world.sweepTimers.fire();
    expect(await world.services.approvals.get(id)).toMatchObject({ state: 'expired', version: 2, note: 'no decision within the time allowed' });
    const updates = world.slack.callsOf('chat.update');
    expect(updates.map((u) => u.args['channel']).sort()).toEqual(COPIES);
    for (const u of updates) {
      expect(String(u.args['text'])).toContain('expired');
      expect(JSON.stringify(u.args['blocks'])).not.toContain(APPROVE_ACTION);
      expect(JSON.stringify(u.args['blocks'])).not.toContain(REJECT_ACTION);
    }
    expect(expiredLogs(world)).toHaveLength(1);
    expect(await world.services.approvals.listPending()).toEqual([]);

    await world.send(signedBlockAction(SECRET, { actionId: APPROVE_ACTION, value: id, user: CAROL, responseUrl: world.slack.responseUrl('late') }));
    await world.response('late', 'this request is already expired');
    expect(await world.queue.get(`${id}.approved`)).toBeUndefined();
    expect(await pendingJobs(world)).toBe(0);

    await world.sweepTimers.fire();
    expect(world.slack.callsOf('chat.update')).toHaveLength(COPIES.length);
    expect(expiredLogs(world)).toHaveLength(1);
  });

  it('gives one expiry to two bot processes sweeping at once; each copy is updated once', async (ctx) => {
    const { world, id } = await requested(ctx);
    const stores = listingTogether([world.services.approvals, new RedisApprovalStore({ redis: redisClient(), prefix: world.prefix })]);
    const timers = [new ManualIntervals(), new ManualIntervals()];
    const sweepers = stores.map((approvals, i) => startApprovalSweeper({ ...world.services, approvals }, world.app.client, { timers: timers[i]! }));
    ctx.onTestFinished(async () => {
      await Promise.all(sweepers.map((s) => s.stop()));
    });

    world.advance(61 * 60_000);
    await Promise.all(timers.map((t) => t.fire()));
    expect(await world.services.approvals.get(id)).toMatchObject({ state: 'expired', version: 2 });
    expect(expiredLogs(world)).toHaveLength(1);
    expect(world.slack.callsOf('chat.update').map((u) => u.args['channel']).sort()).toEqual(COPIES);
    expect(await pendingJobs(world)).toBe(0);

    await Promise.all(sweepers.map((s) => s.stop()));
    expect(timers.map((t) => t.active)).toEqual([0, 0]);
  });

  it('finishes the follow-ups of an approval whose bot died right after recording it: one job, every copy updated', async (ctx) => {
    const { world, id } = await requested(ctx);
    const stored = (await world.services.approvals.get(id))!;
    // What the dead bot did: the decision, and nothing after it.
    const carol = { ...CAROL, teams: [] };
    const decided = await decideStored(world.services.approvals, id, { action: 'approve', by: carol, at: new Date(world.services.clock.now()), current: stored });
    expect(decided.ok).toBe(true);

    await world.sweepTimers.fire();
    expect(await world.queue.get(`${id}.approved`)).toBeUndefined();
    expect(world.slack.callsOf('chat.update')).toHaveLength(0);

    world.advance(FOLLOW_UP_LEASE_MS + 1_000);
    await world.sweepTimers.fire();
    const job = await world.queue.get(`${id}.approved`);
    expect(job?.job).toMatchObject({ kind: 'deploy', sha: f.app.shas.feature, approvedBy: 'carol', user: 'bob' });
    const updates = world.slack.callsOf('chat.update');
    expect(updates.map((u) => u.args['channel']).sort()).toEqual(COPIES);
    for (const u of updates) expect(String(u.args['text'])).toContain('approved by carol');
    expect(world.logs.some((l) => l['msg'] === 'approval follow-ups resumed' && l['settled'] === true)).toBe(true);
    expect(await world.services.approvals.listUnsettled({ dueBy: new Date(8.64e15) })).toEqual([]);

    world.advance(FOLLOW_UP_LEASE_MS + 1_000);
    await world.sweepTimers.fire();
    expect(world.slack.callsOf('chat.update')).toHaveLength(COPIES.length);
    expect(await pendingJobs(world)).toBe(1);
  });

  it('updates again on a later sweep a copy Slack refused at the decision, and queues the job once', async (ctx) => {
    const { world, id } = await requested(ctx);
    world.slack.failNext('chat.update', 1);
    await world.send(signedBlockAction(SECRET, { actionId: APPROVE_ACTION, value: id, user: CAROL, responseUrl: world.slack.responseUrl('approve') }));
    await world.response('approve', 'queued as job');
    const refused = world.slack.callsOf('chat.update').filter((u) => u.failed);
    expect(refused).toHaveLength(1);
    expect((await world.services.approvals.listUnsettled({ dueBy: new Date(8.64e15) })).map((r) => r.id)).toEqual([id]);

    world.advance(FOLLOW_UP_LEASE_MS + 1_000);
    await world.sweepTimers.fire();
    const again = world.slack.callsOf('chat.update').filter((u) => !u.failed && u.args['channel'] === refused[0]!.args['channel']);
    expect(again).toHaveLength(1);
    expect(String(again[0]!.args['text'])).toContain('approved by carol');
    expect(await pendingJobs(world)).toBe(1);
    expect(await world.services.approvals.listUnsettled({ dueBy: new Date(8.64e15) })).toEqual([]);
  });
});
