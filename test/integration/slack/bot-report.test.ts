// `/nestor report [<env>]` from Slack: signed into the real bot, acknowledged at once and queued as
// a report job (nobody's access is checked: it only reads; an unknown environment is refused with
// nothing queued); a worker with the real pipelines builds the sync report on real parts (git
// history, kube simulator, the run records in Redis) and posts it in the requester's channel,
// counts first with every app in its thread, as the report schedule does; the job's status
// message ends on the counts.
import { afterAll, describe, expect, it } from 'vitest';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { reportJobPipeline } from '../../../src/main/report-schedule.js';
import { botWorld, SECRET } from '../../support/bot-world.js';
import { startBotWorker } from '../../support/bot-worker.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { signedSlashCommand } from '../../support/slack-signing.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

describe('/nestor report', { timeout: 120_000 }, () => {
  it('is queued at once and posted by a worker in the channel it was asked from: counts first, every app in the thread', async (ctx) => {
    await deploy(f.deps, f.ctx('carol'), { app: 'mary', env: 'dev3', ref: 'main' });
    // Drift planted by hand: the report reads it from the cluster, which only a worker may.
    const web = f.sim.store.get(typeOf('Deployment'), 'dev3', 'mary-web')!;
    f.sim.store.update(typeOf('Deployment'), { ...web, spec: { ...(web.spec as object), replicas: 7 } });
    const world = await botWorld(ctx, f);
    const worker = startBotWorker(ctx, world, f.deps, { more: (slack, connection, logger) => ({ report: reportJobPipeline(f.deps, connection, slack, logger) }) });

    // The bot's queue connection is up (else it would say at once that nothing was queued).
    if (world.redis.status !== 'ready') await new Promise((resolve) => world.redis.once('ready', resolve));
    // dave is in no environment's access list: a report asks for none.
    const user = { id: 'U0DAVE', name: 'dave' };
    const ack = await world.send(signedSlashCommand(SECRET, { text: 'report dev3', user, triggerId: 'T.report', responseUrl: world.slack.responseUrl('report') }));
    expect(ack.status).toBe(200);
    const jobId = requestKey('T0NESTOR', 'T.report');
    await world.response('report', `report dev3: queued as job ${jobId}`);
    await worker.completed(jobId);
    await worker.flush();

    const inChannel = world.slack.callsOf('chat.postMessage').filter((c) => c.args['channel'] === 'C0DEPLOYS');
    const summary = inChannel.find((c) => String(c.args['text']).startsWith('dev3: '));
    expect(summary?.args['text']).toBe('dev3: 3 apps: 1 drifted (2 never released)');
    expect(JSON.stringify(summary?.args['blocks'])).toContain('mary: edited Deployment dev3/mary-web (spec.replicas)');
    const thread = inChannel.filter((c) => c.args['thread_ts'] !== undefined);
    expect(thread.length).toBeGreaterThan(0);
    expect(JSON.stringify(thread.map((c) => c.args['blocks']))).toContain(`mary ${f.app.shas.second.slice(0, 7)} (main)`);
    // The job's own status message, edited to its end.
    const last = [...world.slack.callsOf('chat.update')].pop();
    expect(String(last?.args['text'])).toContain('report of dev3: 3 apps: 1 drifted (2 never released)');
    expect(world.slack.callsOf('chat.postMessage').filter((c) => c.args['channel'] === 'tech-release-dev')).toEqual([]);
  });

  it('refuses an unknown environment with nothing queued', async (ctx) => {
    const world = await botWorld(ctx, f);
    await world.send(signedSlashCommand(SECRET, { text: 'report dev9', triggerId: 'T.bad', responseUrl: world.slack.responseUrl('bad') }));
    const refused = await world.response('bad', 'dev9');
    expect(JSON.stringify(refused.args)).toMatch(/unknown environment/i);
    expect(await world.queue.get(requestKey('T0NESTOR', 'T.bad'))).toBeUndefined();
  });
});
