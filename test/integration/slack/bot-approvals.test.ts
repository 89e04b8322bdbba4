// Production approvals through the real bot: the request posted with buttons in the release
// channel, refused clicks changing nothing, two approvers at once giving one decision, and the
// approved job pinned to the approved sha and carrying who approved it. Approved rollbacks and
// scales run by a worker name the approver in their history commit.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { APPROVE_ACTION } from '../../../src/core/commands/replies.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { botWorld, SECRET, type BotWorld } from '../../support/bot-world.js';
import { startBotWorker, type BotWorker } from '../../support/bot-worker.js';
import { cleanupFixtures, git } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { signedBlockAction, signedSlashCommand } from '../../support/slack-signing.js';

const f = useReleaseFixture();
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

  it('refuses an approval once the branch moved since the request: void, unchanged, nothing queued, audited', async (ctx) => {
    const { world, id } = await requested(ctx, BOB);
    const before = await world.services.approvals.get(id);
    git(f.app.dir, 'update-ref', 'refs/heads/feature-x', f.app.shas.second);
    await click(world, id, CAROL, 'moved');
    await world.response('moved', 'this request is void');
    expect(await world.services.approvals.get(id)).toEqual(before);
    expect(await world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
    expect(world.logs.filter((l) => l['msg'] === 'approval click refused').map((l) => l['code'])).toEqual(['stale']);
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
    expect(job?.job).toMatchObject({ kind: 'deploy', ref: 'feature-x', sha: f.app.shas.feature, approvedBy: winner, user: 'bob' });
    expect(await world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(1);
    const updates = world.slack.callsOf('chat.update');
    expect(updates.map((u) => u.args['channel']).sort()).toEqual(['C0DEPLOYS', 'tech-release-prod']);
    for (const u of updates) expect(String(u.args['text'])).toContain(`approved by ${winner}`);
  });

  it('matches approvers by Slack user id: a user_name is not enough, a renamed approver still approves', async (ctx) => {
    const { world, id } = await requested(ctx, BOB);
    expect(await world.services.approvals.get(id)).toMatchObject({ approvers: ['alice', 'carol'], approverIds: ['U0ALICE', 'U0CAROL'] });
    await click(world, id, { id: 'U0MALLORY', name: 'carol' }, 'impostor');
    await world.response('impostor', 'carol is not an approver for production');
    expect((await world.services.approvals.get(id))?.state).toBe('pending');
    await click(world, id, { id: 'U0CAROL', name: 'carol-renamed' }, 'renamed');
    await world.response('renamed', 'approved: deploy mary@');
    expect(await world.services.approvals.get(id)).toMatchObject({ state: 'approved', decidedBy: { id: 'U0CAROL' } });
  });

  it('grants nothing to an approver Slack does not know, and logs it', async (ctx) => {
    appendFileSync(join(f.configDir, 'dev1/project.yaml'), '\napproval: { approvers: [zed] }\n');
    const world = await botWorld(ctx, f);
    await world.send(signedSlashCommand(SECRET, { text: 'deploy mary feature-x dev1', user: BOB, triggerId: 'T.zed', responseUrl: world.slack.responseUrl('zed') }));
    await world.response('zed', 'no one can approve changes to dev1: @zed (not found in Slack)');
    expect(await world.services.approvals.get(requestKey('T0NESTOR', 'T.zed'))).toBeUndefined();
    expect(world.logs.some((l) => l['msg'] === 'config names people Slack does not know: they are granted nothing' && String(l['unresolved']).includes('@zed'))).toBe(true);
  });
});

const historyHead = (): string => git(f.historyRemote, 'rev-parse', 'main').trim();
/** The full messages (subject and trailers) of the history commits after `since`, oldest first. */
const historyMessagesSince = (since: string): string[] =>
  git(f.historyRemote, 'log', '--reverse', '--format=%B%x00', `${since}..main`).split('\0').map((m) => m.trim()).filter(Boolean);

async function approvedByCarol(ctx: TestContext, text: string, trigger: string): Promise<{ world: BotWorld; jobId: string; worker: BotWorker }> {
  const world = await botWorld(ctx, f);
  const worker = startBotWorker(ctx, world, f.deps);
  await world.send(signedSlashCommand(SECRET, { text, user: BOB, triggerId: trigger, responseUrl: world.slack.responseUrl('ask') }));
  await world.response('ask', 'waiting for approval by alice or carol');
  const id = requestKey('T0NESTOR', trigger);
  await click(world, id, CAROL, 'carol');
  await world.response('carol', 'approved: ');
  return { world, jobId: `${id}.approved`, worker };
}

describe('approved changes other than deploys', () => {
  it('records who approved a rollback in production in its history commit', async (ctx) => {
    // Released from a terminal without approval: the approver can only come from the rollback.
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'production', ref: 'v1.0.0' });
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'production', ref: 'v1.1.0' });
    const before = historyHead();
    const { world, jobId, worker } = await approvedByCarol(ctx, 'rollback mary production', 'T.rollback');
    expect((await world.queue.get(jobId))?.job).toMatchObject({ kind: 'rollback', app: 'mary', env: 'production', user: 'bob', approvedBy: 'carol' });
    await worker.completed(jobId);

    const latest = await f.history.get('mary', 'production');
    expect(latest).toMatchObject({ kind: 'rollback', sha: f.app.shas.first, user: 'bob', jobId });
    expect(latest?.record.approvedBy).toBe('carol');
    // The rollback's release commit and the pin that holds it there.
    const messages = historyMessagesSince(before);
    expect(messages.map((m) => /^Nestor-Kind: (.+)$/m.exec(m)?.[1])).toEqual(['rollback', 'pin']);
    for (const m of messages) expect(m).toMatch(/^Approved-By: carol$/m);
    expect(await f.history.getPin('mary', 'production')).toMatchObject({ by: 'bob', approvedBy: 'carol' });
  });

  it('names the approver of a rollback, not the approver of the release it goes back to', async (ctx) => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'production', ref: 'v1.0.0', approvedBy: 'alice' });
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'production', ref: 'v1.1.0', approvedBy: 'alice' });
    const before = historyHead();
    const { jobId, worker } = await approvedByCarol(ctx, 'rollback mary production', 'T.rollback-2');
    await worker.completed(jobId);
    expect((await f.history.get('mary', 'production'))?.record.approvedBy).toBe('carol');
    for (const m of historyMessagesSince(before)) expect(m).not.toContain('Approved-By: alice');
  });

  it('records who approved a scale in production in its history commit', async (ctx) => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'production', ref: 'v1.1.0', approvedBy: 'carol' });
    const before = historyHead();
    const { world, jobId, worker } = await approvedByCarol(ctx, 'scale mary production web=2', 'T.scale');
    expect((await world.queue.get(jobId))?.job).toMatchObject({ kind: 'scale', user: 'bob', approvedBy: 'carol' });
    await worker.completed(jobId);

    const latest = await f.history.get('mary', 'production');
    expect(latest).toMatchObject({ kind: 'scale', sha: f.app.shas.second, user: 'bob', jobId });
    expect(latest?.record.approvedBy).toBe('carol');
    const messages = historyMessagesSince(before);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^Approved-By: carol$/m);
  });
});
