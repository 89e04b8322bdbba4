// `/nestor run` through the real bot and a worker: in production it asks for approval (bound to
// the command), then the worker runs the one-off Job in the running release and Slack shows its
// progress, its exit code and the end of its log.
import { afterAll, describe, expect, it } from 'vitest';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { APPROVE_ACTION } from '../../../src/core/commands/replies.js';
import { deploy } from '../../../src/core/release/deploy.js';
import type { JobRun } from '../../../src/testkit/kube-sim/controllers/context.js';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { botWorld, SECRET } from '../../support/bot-world.js';
import { startBotWorker } from '../../support/bot-worker.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { eventually } from '../../support/eventually.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { signedBlockAction, signedSlashCommand } from '../../support/slack-signing.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const BOB = { id: 'U0BOB', name: 'bob' };
const CAROL = { id: 'U0CAROL', name: 'carol' };

describe('/nestor run', { timeout: 90_000 }, () => {
  it('asks for approval in production, then runs the Job and shows its exit code and the end of its log', async (ctx) => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'production', ref: 'v1.0.0' });
    const commands: string[] = [];
    f.sim.controllers.options.jobRunner = (job) => {
      commands.push(String((job.metadata['annotations'] as Record<string, string>)['nestor.io/command']));
      return { succeeded: false, exitCode: 3, log: 'migrating 0042_add_index\nerror: relation "rides" does not exist\n' };
    };
    const world = await botWorld(ctx, f);
    const worker = startBotWorker(ctx, world, f.deps);
    await world.send(signedSlashCommand(SECRET, { text: 'run mary production -- node scripts/migrate.js --step 42', user: BOB, triggerId: 'T.run', responseUrl: world.slack.responseUrl('ask') }));
    await world.response('ask', 'waiting for approval by alice or carol');
    expect(commands).toEqual([]);
    const id = requestKey('T0NESTOR', 'T.run');
    expect(await world.services.approvals.get(id)).toMatchObject({ state: 'pending', sha: f.app.shas.first, operation: 'run mary production -- node scripts/migrate.js --step 42' });

    await world.send(signedBlockAction(SECRET, { actionId: APPROVE_ACTION, value: id, user: CAROL, responseUrl: world.slack.responseUrl('carol') }));
    await world.response('carol', 'approved: ');
    const jobId = `${id}.approved`;
    expect((await world.queue.get(jobId))?.job).toMatchObject({ kind: 'run', app: 'mary', env: 'production', words: ['node', 'scripts/migrate.js', '--step', '42'], user: 'bob', approvedBy: 'carol' });
    await worker.completed(jobId);

    expect(commands).toEqual(['node scripts/migrate.js --step 42']);
    await eventually('the outcome with the end of the log in Slack', () => world.slack.calls
      .filter((c) => c.method === 'chat.update' || c.method === 'chat.postMessage')
      .map((c) => String(c.args['text'] ?? '') + JSON.stringify(c.args['blocks'] ?? []))
      .find((t) => t.includes('failed with exit code 3') && t.includes('does not exist')));
    // Nothing of the app was released by it: the history holds the deploy only.
    expect((await f.history.list('mary', 'production')).map((r) => r.kind)).toEqual(['deploy']);
  });

  it('shows the end of the log in its status message while the process runs, then how it ended', async (ctx) => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'dev3', ref: 'v1.0.0' });
    let end: ((run: JobRun) => void) | undefined;
    f.sim.controllers.options.jobRunner = () => new Promise<JobRun>((resolve) => (end = resolve));
    const world = await botWorld(ctx, f);
    const worker = startBotWorker(ctx, world, f.deps, { tuning: { logIntervalMs: 10 } });
    await world.send(signedSlashCommand(SECRET, { text: 'run mary dev3 -- node scripts/seed.js', triggerId: 'T.seed', responseUrl: world.slack.responseUrl('seed') }));
    const jobId = requestKey('T0NESTOR', 'T.seed');
    await world.response('seed', `queued as job ${jobId}`);
    await eventually('the process to start', () => end !== undefined, 30_000);
    const pod = f.sim.store.list(typeOf('Pod'), 'dev3', (p) => (p.metadata['labels'] as Record<string, string>)['job-name']?.includes('-run-') === true)[0]!;

    f.sim.pods.appendLog('dev3', String(pod.metadata['name']), 'seeding 1/2\nseeding 2/2\n');
    const statusTexts = () => world.slack.callsOf('chat.update').map((c) => JSON.stringify(c.args['blocks'] ?? []));
    await eventually('the log in the status message while it runs', () => statusTexts().find((t) => t.includes('The end of its log so far') && t.includes('seeding 1/2\\nseeding 2/2')), 30_000);

    end!({ succeeded: true, log: 'seeded\n' });
    await worker.completed(jobId);
    await worker.flush();
    const last = world.slack.callsOf('chat.update').at(-1)!;
    expect(String(last.args['text'])).toContain('ended with exit code 0');
    expect(JSON.stringify(last.args['blocks'])).toContain('seeding 1/2\\nseeding 2/2\\nseeded');
    expect(JSON.stringify(last.args['blocks'])).not.toContain('The end of its log so far');
  });
});
