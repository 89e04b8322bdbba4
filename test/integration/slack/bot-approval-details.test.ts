// What an approval request shows, through the real bot: the commits between the running release
// and the requested one, the config keys that change, and the objects a release would create,
// update and delete against the release recorded in the history (the bot has no cluster).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { botWorld, SECRET, type BotWorld } from '../../support/bot-world.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { signedSlashCommand } from '../../support/slack-signing.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const BOB = { id: 'U0BOB', name: 'bob' };

/** Bob asks; resolves the request as stored and the text of the message posted in the release channel. */
async function ask(ctx: TestContext, text: string, trigger: string): Promise<{ world: BotWorld; posted: string; stored: Awaited<ReturnType<BotWorld['services']['approvals']['get']>> }> {
  const world = await botWorld(ctx, f);
  await world.send(signedSlashCommand(SECRET, { text, user: BOB, triggerId: trigger, responseUrl: world.slack.responseUrl(trigger) }));
  await world.response(trigger, 'waiting for approval by alice or carol');
  const call = await world.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === 'tech-release-prod');
  return { world, posted: JSON.stringify(call.args['blocks']), stored: await world.services.approvals.get(requestKey('T0NESTOR', trigger)) };
}

describe('an approval request shows what is approved', () => {
  it('a deploy: the commits it brings and the objects it creates and updates', async (ctx) => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'production', ref: 'v1.0.0' });
    const { posted, stored } = await ask(ctx, 'deploy mary feature-x production', 'T.deploy');
    const details = stored?.details;
    expect(details?.running).toEqual({ sha: f.app.shas.first, ref: 'v1.0.0' });
    expect(details?.commits).toEqual({ direction: 'adds', total: 2, shown: [
      { sha: f.app.shas.feature, subject: 'feature x drops the cron' }, { sha: f.app.shas.second, subject: 'add a worker' },
    ] });
    const cluster = details?.objects.find((o) => o.cluster === 'kapten_production_eu-w1');
    // feature-x has no Cronfile: the crons of its config file apply.
    expect(cluster?.create).toEqual(['CronJob production/mary-report']);
    expect(cluster?.update).toContain('Deployment production/mary-web');
    expect(details?.config).toEqual([]);
    expect(details?.notes).toEqual([]);
    expect(posted).toContain('Commits it brings (2)');
    expect(posted).toContain('feature x drops the cron');
    expect(posted).toContain('+ CronJob production/mary-report');
    expect(posted).toMatch(/kapten_production_eu-w1: \d+ to create, \d+ to update, \d+ to delete/);
  });

  it('a config change: the keys that change, with their values', async (ctx) => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'production', ref: 'v1.1.0' });
    const { posted, stored } = await ask(ctx, 'config set mary production LOG_LEVEL=debug FEATURE_CHECKOUT=false', 'T.config');
    expect(stored?.details?.config).toEqual([
      { key: 'FEATURE_CHECKOUT', change: 'changed', before: 'true', after: 'false' },
      { key: 'LOG_LEVEL', change: 'added', after: 'debug' },
    ]);
    expect(stored?.details?.commits).toBeUndefined();
    expect(stored?.details?.objects.find((o) => o.cluster === 'kapten_production_eu-w1')?.update).toContain('ConfigMap production/mary');
    expect(posted).toContain('FEATURE_CHECKOUT: true → false');
    expect(posted).toContain('LOG_LEVEL: added, debug');
    // The running release holds SENTRY_DSN as a secret: no value of it is anywhere in the request.
    expect(JSON.stringify(stored)).not.toContain('SENTRY_DSN=');
  });

  it('a secret key by name only, never a value', async (ctx) => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'production', ref: 'v1.1.0' });
    const { posted, stored } = await ask(ctx, 'config unset mary production SENTRY_DSN', 'T.secret');
    expect(stored?.details?.config).toEqual([{ key: 'SENTRY_DSN', change: 'removed', secret: true }]);
    expect(posted).toContain('SENTRY_DSN: secret, removed (value not shown)');
  });

  it('a rollback: the commits it takes out and the objects it deletes', async (ctx) => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'production', ref: 'v1.0.0' });
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'production', ref: 'v1.1.0' });
    const { posted, stored } = await ask(ctx, 'rollback mary production', 'T.rollback');
    expect(stored?.details?.commits).toEqual({ direction: 'removes', total: 1, shown: [{ sha: f.app.shas.second, subject: 'add a worker' }] });
    expect(stored?.details?.objects.find((o) => o.cluster === 'kapten_production_eu-w1')?.delete).toContain('Deployment production/mary-worker');
    expect(posted).toContain('Commits it takes out (1)');
    expect(posted).toContain('- Deployment production/mary-worker');
  });

  it('says what it could not compute, and still asks', async (ctx) => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'production', ref: 'v1.0.0' });
    // A value the bot's environment does not have: the render, hence the object diff, can't be made.
    const file = join(f.configDir, 'production/apps/mary.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('FEATURE_CHECKOUT: "true"', 'FEATURE_CHECKOUT: $NESTOR_TEST_UNSET'));
    const { posted, stored } = await ask(ctx, 'deploy mary feature-x production', 'T.partial');
    expect(stored?.state).toBe('pending');
    expect(stored?.details?.commits?.total).toBe(2);
    expect(stored?.details?.objects).toEqual([]);
    expect(stored?.details?.notes).toEqual([expect.stringContaining('what changes could not be computed: ')]);
    expect(stored?.details?.notes[0]).toContain('$NESTOR_TEST_UNSET is not set');
    expect(posted).toContain('what changes could not be computed');
  });

  it('a first release: nothing runs yet, every object is new', async (ctx) => {
    const { stored } = await ask(ctx, 'deploy mary v1.0.0 production', 'T.first');
    expect(stored?.details?.running).toBeUndefined();
    expect(stored?.details?.notes).toEqual(['nothing runs in production yet: everything is new']);
    const cluster = stored?.details?.objects[0];
    expect(cluster?.counts.update).toBe(0);
    expect(cluster?.counts.create).toBeGreaterThan(3);
  });

  it('shows no object diff when the history cannot be read, and says so', async (ctx) => {
    const world = await botWorld(ctx, f);
    // The history's reads fail; the rest of it (and everything else) works.
    world.services.history = Object.assign(Object.create(f.history) as typeof f.history, { get: () => Promise.reject(new Error('history remote down')) });
    await world.send(signedSlashCommand(SECRET, { text: 'deploy mary feature-x production', user: BOB, triggerId: 'T.nohistory', responseUrl: world.slack.responseUrl('nohistory') }));
    await world.response('nohistory', 'waiting for approval by alice or carol');
    const stored = await world.services.approvals.get(requestKey('T0NESTOR', 'T.nohistory'));
    expect(stored?.details).toMatchObject({ objects: [], config: [], notes: ['the release history could not be read: nothing to compare with'] });
  });

  it('notes the approvers in the config who name nobody in Slack', async (ctx) => {
    const file = join(f.configDir, 'production/project.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('approvers: [alice, carol]', 'approvers: [alice, carol, zed]'));
    const { posted, stored } = await ask(ctx, 'deploy mary feature-x production', 'T.zed');
    expect(stored?.approvers).toEqual(['alice', 'carol']);
    expect(stored?.details?.notes).toContain('approvers in the config who name nobody: @zed (not found in Slack)');
    expect(posted).toContain('@zed (not found in Slack)');
  });
});
