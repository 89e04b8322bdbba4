// The real `nestor bot` and `nestor worker` processes: a deploy asked in Slack, its worker
// SIGKILLed mid-apply, the job taken over by a second worker process, which edits the status
// message the first one posted (one chat.postMessage, then chat.update of its ts) and ends it
// with the final state; the release is recorded once.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../../src/adapters/queue/bullmq-queue.js';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { GitReleaseHistory } from '../../../src/adapters/git/git-release-history.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { processWorld, SIGNING_SECRET } from '../../support/nestor-processes.js';
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
});
