// `/nestor run` through the real bot and a worker: in production it asks for approval (bound to
// the command), then the worker runs the one-off Job in the running release and Slack shows its
// progress, its exit code and the end of its log.
import { afterAll, describe, expect, it } from 'vitest';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { APPROVE_ACTION } from '../../../src/core/commands/replies.js';
import { deploy } from '../../../src/core/release/deploy.js';
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
});
