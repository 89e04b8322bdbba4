// `/nestor datastore reset` from Slack, signed into the real bot: nothing is queued until the
// person who asked clicks the confirmation button naming the environment and the datastore;
// another person's click is refused, a cancel queues nothing, and a second click finds the job
// queued already (the request's idempotency key). The job carries no connection or password.
import { afterAll, describe, expect, it } from 'vitest';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { CANCEL_RESET_ACTION, CONFIRM_RESET_ACTION } from '../../../src/core/commands/replies/reset-replies.js';
import { botWorld, SECRET, type BotWorld } from '../../support/bot-world.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { signedBlockAction, signedSlashCommand } from '../../support/slack-signing.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const ALICE = { id: 'U0ALICE', name: 'alice' };
const BOB = { id: 'U0BOB', name: 'bob' };

/** The value of the confirmation's buttons, as Slack would send it back. */
function buttonValue(reply: { args: Record<string, unknown> }): string {
  const value = /"value":"((?:[^"\\]|\\.)*)"/.exec(JSON.stringify(reply.args))?.[1];
  if (value === undefined) throw new Error('no button in the reply');
  return JSON.parse(`"${value}"`) as string;
}

const click = (world: BotWorld, actionId: string, value: string, user: { id: string; name: string }, reply: string) =>
  world.send(signedBlockAction(SECRET, { actionId, value, user, responseUrl: world.slack.responseUrl(reply) }));

describe('/nestor datastore reset', { timeout: 120_000 }, () => {
  it('asks the requester to confirm with a button naming the environment and datastore; only their click queues it, once', async (ctx) => {
    const world = await botWorld(ctx, f);
    await world.send(signedSlashCommand(SECRET, { text: 'datastore reset dev3 mary-cache', user: ALICE, triggerId: 'T.reset', responseUrl: world.slack.responseUrl('ask') }));
    const asked = await world.response('ask', 'Reset datastore mary-cache of dev3?');
    expect(JSON.stringify(asked.args)).toContain('Reset mary-cache of dev3');
    const key = requestKey('T0NESTOR', 'T.reset');
    expect(await world.queue.get(key)).toBeUndefined();
    const value = buttonValue(asked);

    await click(world, CONFIRM_RESET_ACTION, value, BOB, 'bob');
    await world.response('bob', 'only alice, who asked, can confirm datastore reset dev3 mary-cache');
    await click(world, CANCEL_RESET_ACTION, value, ALICE, 'cancel');
    await world.response('cancel', 'datastore mary-cache of dev3 was left as it is; nothing was queued');
    expect(await world.queue.get(key)).toBeUndefined();

    await click(world, CONFIRM_RESET_ACTION, value, ALICE, 'confirm');
    await world.response('confirm', `datastore reset dev3 mary-cache: queued as job ${key}`);
    const job = await world.queue.get(key);
    expect(job?.job).toMatchObject({ kind: 'datastore', action: 'reset', env: 'dev3', datastore: 'mary-cache', user: 'alice' });
    expect(JSON.stringify(job?.job)).not.toMatch(/redis:|connection/);
    await click(world, CONFIRM_RESET_ACTION, value, ALICE, 'again');
    await world.response('again', `already queued as job ${key}`);
  });

  it('asks nothing for a snapshot: it is queued at once', async (ctx) => {
    const world = await botWorld(ctx, f);
    await world.send(signedSlashCommand(SECRET, { text: 'datastore snapshot staging', user: ALICE, triggerId: 'T.snap', responseUrl: world.slack.responseUrl('snap') }));
    await world.response('snap', `datastore snapshot staging: queued as job ${requestKey('T0NESTOR', 'T.snap')}`);
  });
});
