// END TO END: `/nestor deploy mary feature-x dev3` signed into the real bot → a job on BullMQ →
// an in-process worker running the real pipelines on the release fixture (kube simulator, real
// git) → the Deployment runs the branch's sha → one history commit → the job's status message
// and one announcement in Slack (the stand-in).
import { WebClient } from '@slack/web-api';
import { afterAll, describe, expect, it } from 'vitest';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { startJobWorker } from '../../../src/adapters/queue/bullmq-worker.js';
import { RedisLocks } from '../../../src/adapters/redis/redis-locks.js';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { createSlackProgressSink, NOTIFIER_CLIENT_OPTIONS } from '../../../src/adapters/slack/notifier/index.js';
import { workerRunner } from '../../../src/main/worker.js';
import { announcer } from '../../../src/main/worker-announce.js';
import { botWorld, SECRET, TOKEN } from '../../support/bot-world.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { FAST } from '../../support/queue-world.js';
import { redisClient, uniqueName } from '../../support/redis.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { signedSlashCommand } from '../../support/slack-signing.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const imageOf = (name: string, ns: string) =>
  (f.sim.store.get(typeOf('Deployment'), ns, name)?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec.containers[0]?.image;

describe('slash command to release', () => {
  it('deploys mary feature-x to dev3 from Slack, records it once and announces it once', async (ctx) => {
    const world = await botWorld(ctx, f);
    const connection = redisClient({ maxRetriesPerRequest: null });
    const slack = new WebClient(TOKEN, { ...NOTIFIER_CLIENT_OPTIONS, slackApiUrl: world.slack.apiUrl });
    const sink = createSlackProgressSink({ slack, tuning: { minIntervalMs: 10 } });
    const announce = announcer(slack, world.services.logger);
    const locks = new RedisLocks({ redis: connection, prefix: `${uniqueName('lock')}:` });
    const runner = { ...workerRunner(f.deps, announce, locks, sink, world.services.logger), lock: { ttlMs: 10_000, waitMs: 10_000, pollMs: 20 } };
    const worker = startJobWorker({ connection, name: world.queue.queue.name, runner, tuning: FAST });
    ctx.onTestFinished(() => worker.close());
    const done = new Promise<string>((resolve) => worker.worker.on('completed', (job) => resolve(job.id ?? '')));

    const ack = await world.send(signedSlashCommand(SECRET, { text: 'deploy mary feature-x dev3', triggerId: 'T.e2e', responseUrl: world.slack.responseUrl('e2e') }));
    expect(ack.status).toBe(200);
    const jobId = requestKey('T0NESTOR', 'T.e2e');
    await world.response('e2e', `queued as job ${jobId}`);
    expect(await done).toBe(jobId);
    await Promise.all([sink.flush(), announce.settled()]);

    expect(imageOf('mary-web', 'dev3')).toBe(`docker.com/kapten/mary:${f.app.shas.feature}`);
    const releases = await f.history.list('mary', 'dev3');
    expect(releases).toHaveLength(1);
    expect(releases[0]).toMatchObject({ sha: f.app.shas.feature, user: 'alice', jobId });
    const announcements = world.slack.callsOf('chat.postMessage').filter((c) => c.args['channel'] === 'tech-release-dev');
    expect(announcements).toHaveLength(1);
    expect(String(announcements[0]?.args['text'])).toContain('deployed mary@');
    const status = world.slack.callsOf('chat.postMessage').filter((c) => c.args['channel'] === 'C0DEPLOYS' && c.args['thread_ts'] === undefined);
    expect(status).toHaveLength(1);
    const last = [...world.slack.callsOf('chat.update')].pop() ?? status[0];
    expect(String(last?.args['text'])).toContain('deployed mary@');
  });
});
