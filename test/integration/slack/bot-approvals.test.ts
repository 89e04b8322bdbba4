// Production approvals through the real bot: the request posted with buttons in the release
// channel, refused clicks changing nothing, two approvers at once giving one decision, and the
// approved job pinned to the approved sha and carrying who approved it.
import { afterAll, afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { APPROVE_ACTION } from '../../../src/core/commands/replies.js';
import { botWorld, SECRET, type BotWorld } from '../../support/bot-world.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { releaseFixture, type ReleaseFixture } from '../../support/release-fixture.js';
import { signedBlockAction, signedSlashCommand } from '../../support/slack-signing.js';

let f: ReleaseFixture;
beforeEach(async () => {
  f = await releaseFixture();
});
afterEach(async () => {
  await f.close();
});
afterAll(() => cleanupFixtures());

const BOB = { id: 'U0BOB', name: 'bob' };
const ALICE = { id: 'U0ALICE', name: 'alice' };
const CAROL = { id: 'U0CAROL', name: 'carol' };

async function requested(ctx: TestContext, requester = ALICE): Promise<{ world: BotWorld; id: string }> {
  const world = await botWorld(ctx, f);
  const trigger = `T.${requester.name}`;
  await world.send(signedSlashCommand(SECRET, { text: 'deploy mary feature-x production', user: requester, triggerId: trigger, responseUrl: world.slack.responseUrl('ask') }));
  await world.response('ask', 'waiting for approval by alice or carol');
  return { world, id: requestKey('T0NESTOR', trigger) };
}

const click = (world: BotWorld, id: string, user: { id: string; name: string }, reply: string) =>
  world.send(signedBlockAction(SECRET, { actionId: APPROVE_ACTION, value: id, user, responseUrl: world.slack.responseUrl(reply) }));

describe('production approvals', () => {
  it('posts the request with Approve / Reject in the release channel, bound to the sha; nothing queued', async (ctx) => {
    const { world, id } = await requested(ctx);
    const posted = await world.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === 'tech-release-prod');
    expect(JSON.stringify(posted.args['blocks'])).toContain(APPROVE_ACTION);
    expect(await world.services.approvals.get(id)).toMatchObject({ state: 'pending', sha: f.app.shas.feature, requester: ALICE });
    expect(await world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
  });

  it('refuses self-approval, a non-approver and an expired request; the request is unchanged', async (ctx) => {
    const { world, id } = await requested(ctx);
    const before = await world.services.approvals.get(id);
    await click(world, id, ALICE, 'self');
    await world.response('self', 'alice requested this and cannot approve it');
    await click(world, id, BOB, 'bob');
    await world.response('bob', 'bob is not an approver for production');
    world.advance(61 * 60_000);
    await click(world, id, CAROL, 'late');
    await world.response('late', 'this request expired');
    expect(await world.services.approvals.get(id)).toEqual(before);
    expect(await world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
    expect(world.logs.filter((l) => l['msg'] === 'approval click refused').map((l) => l['code'])).toEqual(['self-approval', 'not-approver', 'expired']);
  });

  it('gives one decision to two approvers clicking at once; the other is told who decided', async (ctx) => {
    const { world, id } = await requested(ctx, BOB);
    await Promise.all([click(world, id, ALICE, 'alice'), click(world, id, CAROL, 'carol')]);
    await Promise.all([world.response('alice', 'approved'), world.response('carol', 'approved')]);
    const stored = await world.services.approvals.get(id);
    expect(stored?.state).toBe('approved');
    const winner = stored!.decidedBy!.name;
    const loser = winner === 'alice' ? 'carol' : 'alice';
    await world.response(winner, 'approved: deploy mary@');
    await world.response(loser, `already approved by ${winner}`);
    const job = await world.queue.get(`${id}.approved`);
    expect(job?.job).toMatchObject({ kind: 'deploy', ref: f.app.shas.feature, approvedBy: winner, user: 'bob' });
    expect(await world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(1);
    const updates = world.slack.callsOf('chat.update');
    expect(updates.map((u) => u.args['channel']).sort()).toEqual(['C0DEPLOYS', 'tech-release-prod']);
    for (const u of updates) expect(String(u.args['text'])).toContain(`approved by ${winner}`);
  });
});
