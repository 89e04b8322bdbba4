// GitHub webhooks through the API: a signed, successful workflow_run or check_suite on a branch
// of an app's repository queues the app's CI success (source github); a forged or missing
// signature is a 401 and a replayed delivery id a 409, queueing nothing; what is not a CI success
// is received and ignored.
import { afterAll, describe, expect, it } from 'vitest';
import { apiWorld, type ApiWorld } from '../../support/api-world.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const SHA = 'b'.repeat(40);
const workflowRun = (conclusion = 'success', repo = 'mary') => ({
  action: 'completed', workflow_run: { conclusion, head_branch: 'master', head_sha: SHA }, repository: { name: repo, full_name: `transcovo/${repo}` },
});
const queued = (world: ApiWorld) => world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed');

describe('GitHub webhooks', () => {
  it('queues a successful workflow_run as the app\'s CI success; a replay of its delivery is refused', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const answer = await world.github('workflow_run', 'delivery-1', workflowRun());
    expect(answer.statusCode).toBe(202);
    const { jobId } = answer.json<{ jobId: string }>();
    expect((await world.queue.get(jobId))?.job).toEqual({
      kind: 'ci-success', app: 'mary', branch: 'master', sha: SHA, source: 'github', deliveryId: 'delivery-1', user: 'github', origin: { kind: 'cli', host: 'api' },
    });
    const replay = await world.github('workflow_run', 'delivery-1', workflowRun());
    expect([replay.statusCode, replay.json()]).toEqual([409, { error: 'delivery delivery-1 was received before: ignored' }]);
    expect(await queued(world)).toBe(1);
  });

  it('queues a successful check_suite too', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const answer = await world.github('check_suite', 'delivery-2', { action: 'completed', check_suite: { conclusion: 'success', head_branch: 'greenlight', head_sha: SHA }, repository: { name: 'mary' } });
    expect(answer.statusCode).toBe(202);
    expect((await world.queue.get(answer.json<{ jobId: string }>().jobId))?.job).toMatchObject({ branch: 'greenlight', source: 'github' });
  });

  it('finds the app by its git origin in nestor-config, whatever the repository is named', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const payload = { ...workflowRun(), repository: { name: 'gandalf-service', full_name: 'Transcovo/gandalf' } };
    const answer = await world.github('workflow_run', 'delivery-origin', payload);
    expect(answer.statusCode).toBe(202);
    expect((await world.queue.get(answer.json<{ jobId: string }>().jobId))?.job).toMatchObject({ app: 'gandalf', source: 'github' });
  });

  it('refuses a forged or missing signature with 401; nothing queued, and the delivery id is not spent', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const forged = await world.github('workflow_run', 'delivery-3', workflowRun(), 'not-the-secret');
    expect([forged.statusCode, forged.json()]).toEqual([401, { error: 'invalid or missing X-Hub-Signature-256: not signed with the webhook secret' }]);
    const unsigned = await world.server.inject({
      method: 'POST', url: '/api/v1/github', payload: JSON.stringify(workflowRun()),
      headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_run', 'x-github-delivery': 'delivery-3' },
    });
    expect(unsigned.statusCode).toBe(401);
    expect(await queued(world)).toBe(0);
    expect((await world.github('workflow_run', 'delivery-3', workflowRun())).statusCode).toBe(202);
  });

  it('receives and ignores what is not a CI success of an app', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const cases: [string, unknown, string][] = [
      ['ping', { zen: 'Keep it logically awesome.' }, 'ping events are not CI results'],
      ['workflow_run', workflowRun('failure'), 'workflow_run not completed with success'],
      ['workflow_run', workflowRun('success', 'not-an-app'), 'unknown app "not-an-app": no environment has a file for it'],
    ];
    for (const [i, [event, payload, ignored]] of cases.entries()) {
      const answer = await world.github(event, `delivery-ignored-${i}`, payload);
      expect([answer.statusCode, answer.json()]).toEqual([200, { ignored }]);
    }
    expect(await queued(world)).toBe(0);
  });
});
