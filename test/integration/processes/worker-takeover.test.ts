// The real `nestor bot` and `nestor worker` processes: a deploy asked in Slack, its worker
// SIGKILLed mid-apply, the job taken over by a second worker process, which edits the status
// message the first one posted (one chat.postMessage, then chat.update of its ts) and ends it
// with the final state; the release is recorded once. And a worker SIGKILLed after its applies,
// before the history commit: the job reruns on another worker, its re-apply changes nothing in
// the cluster, the history holds one commit, and the app's lock the dead worker held lapses.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../../src/adapters/queue/bullmq-queue.js';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { GitReleaseHistory } from '../../../src/adapters/git/git-release-history.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { processWorld, SIGNING_SECRET } from '../../support/nestor-processes.js';
import { typeOf } from '../../../src/testkit/kube-sim/resource-types.js';
import { sendToSlackReceiver, signedSlashCommand } from '../../support/slack-signing.js';

afterAll(cleanupFixtures);

describe('nestor worker processes', () => {
  it('a worker SIGKILLed mid-deploy: another worker takes the job over and edits the same Slack message to its final state', async (ctx) => {
    const world = await processWorld(ctx);
    // Short enough for a quick takeover, long enough for a busy machine to renew it in time.
    const fast = { NESTOR_JOB_LOCK_SECONDS: '8' };
    // The first apply request gets no answer: the first worker is caught mid-deploy.
    world.sim.faults.hangNext(1, { method: 'PATCH' });
    const bot = world.start('bot');
    const doomed = world.start('worker', fast);
    const { port } = await bot.log('bot started');
    await doomed.log('worker started');

    const ack = await sendToSlackReceiver(`http://127.0.0.1:${String(port)}/slack/events`, signedSlashCommand(SIGNING_SECRET, {
      text: 'deploy mary feature-x dev3', triggerId: 'T.takeover', responseUrl: world.slack.responseUrl('takeover'),
    }));
    expect(ack.status).toBe(200);
    const jobId = requestKey('T0NESTOR', 'T.takeover');
    const redis = new Redis(world.redis.url, { maxRetriesPerRequest: null });
    ctx.onTestFinished(() => void redis.disconnect());
    await eventually('the first worker to be stuck in its apply', () => world.sim.faults.hungCount > 0, 30_000);
    const saved = await eventually('the status message to be saved for the job', async () => (await redis.get(`nestor:progress-message:${jobId}`)) ?? undefined, 20_000);
    const heir = world.start('worker', fast);
    await heir.log('worker started');
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');

    const announced = await world.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === 'tech-release-dev');
    expect(String(announced.args['text'])).toContain('deployed mary@');

    const [channel, ts] = saved.split(' ');
    expect(channel).toBe('C0DEPLOYS');
    const statusPosts = world.slack.callsOf('chat.postMessage').filter((c) => c.args['channel'] === 'C0DEPLOYS' && c.args['thread_ts'] === undefined);
    expect(statusPosts).toHaveLength(1);
    const queue = new BullmqJobQueue({ connection: redis });
    ctx.onTestFinished(() => queue.close());
    const outcome = await eventually('the job to complete', async () => (await queue.get(jobId))?.result, 30_000);
    expect(outcome.outcome).toBe('released');
    const final = await eventually('the status message to show the final state', () =>
      world.slack.callsOf('chat.update').find((c) => String(c.args['text']).includes(outcome.message)), 30_000);
    expect(final.args).toMatchObject({ channel: 'C0DEPLOYS', ts });
    expect(world.slack.callsOf('chat.update').every((c) => c.args['ts'] === ts)).toBe(true);

    const history = new GitReleaseHistory({ remote: world.historyRemote, workDir: tempDir('nestor-history-read-') });
    const releases = await history.list('mary', 'dev3');
    expect(releases).toHaveLength(1);
    expect(releases[0]).toMatchObject({ sha: world.app.shas.feature, jobId });
  }, 240_000);

  it('a worker SIGKILLed between its applies and the history commit: the rerun re-applies as a no-op and records one commit', async (ctx) => {
    const world = await processWorld(ctx);
    const fast = { NESTOR_JOB_LOCK_SECONDS: '8' };
    const bot = world.start('bot');
    const doomed = world.start('worker', fast);
    const { port } = await bot.log('bot started');
    await doomed.log('worker started');
    const redis = new Redis(world.redis.url, { maxRetriesPerRequest: null });
    ctx.onTestFinished(() => void redis.disconnect());
    const queue = new BullmqJobQueue({ connection: redis });
    ctx.onTestFinished(() => queue.close());
    const deploy = async (ref: string, trigger: string): Promise<string> => {
      const ack = await sendToSlackReceiver(`http://127.0.0.1:${String(port)}/slack/events`, signedSlashCommand(SIGNING_SECRET, {
        text: `deploy mary ${ref} dev3`, triggerId: trigger, responseUrl: world.slack.responseUrl(trigger),
      }));
      expect(ack.status).toBe(200);
      return requestKey('T0NESTOR', trigger);
    };
    const completed = (jobId: string) => eventually(`job ${jobId} to complete`, async () => (await queue.get(jobId))?.result, 90_000);
    expect((await completed(await deploy('v1.0.0', 'T.first'))).outcome).toBe('released');

    // The next release reads mary's Deployment by name only for its rollout, after every apply: that read gets no answer.
    world.sim.faults.hangNext(1, { method: 'GET', pathIncludes: '/deployments/mary-web' });
    const jobId = await deploy('feature-x', 'T.after-apply');
    await eventually('the first worker to wait for its rollout, everything applied', () => world.sim.faults.hungCount > 0, 60_000);
    const deployment = () => world.sim.store.get(typeOf('Deployment'), 'dev3', 'mary-web')!;
    // Its status moves on as its pods roll (a new resourceVersion each time); what was applied is its spec.
    const appliedOf = () => ({ generation: deployment().metadata['generation'], spec: JSON.stringify(deployment()['spec']) });
    const applied = appliedOf();
    expect(applied.generation).toBe(2);
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    const heir = world.start('worker', fast);
    await heir.log('worker started');

    expect((await completed(jobId)).outcome).toBe('released');
    // The rerun's apply changed nothing: the same spec, no new generation.
    expect(appliedOf()).toEqual(applied);
    const history = new GitReleaseHistory({ remote: world.historyRemote, workDir: tempDir('nestor-history-read-') });
    const releases = await history.list('mary', 'dev3');
    expect(releases.map((r) => r.jobId)).toEqual([jobId, requestKey('T0NESTOR', 'T.first')]);
    expect(releases[0]).toMatchObject({ sha: world.app.shas.feature });
  }, 240_000);
});
