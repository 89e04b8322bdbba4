// `nestor worker` as a real process with Slack unreachable (a TCP gate in front of the Slack API
// stand-in, closed): a release still completes and is recorded in the history; its announcement
// waits and retries on its own, and is posted once Slack is back.
import { afterAll, describe, expect, it } from 'vitest';
import { apiDeploys, ciApiEnv, STARTUP_MS } from '../../support/api-deploys.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, git } from '../../support/git-fixtures.js';
import { processWorld } from '../../support/nestor-processes.js';
import { TcpGate } from '../../support/tcp-gate.js';

afterAll(cleanupFixtures);

const TOKEN = 'slack-down-test-api-token-0123456789';

describe('nestor worker with Slack unreachable', () => {
  it('completes and records the release; its announcement is posted once Slack is back', async (ctx) => {
    const world = await processWorld(ctx);
    const gate = await new TcpGate(Number(new URL(world.slack.apiUrl).port)).open();
    ctx.onTestFinished(() => gate.close());
    const worker = world.start('worker', { SLACK_API_URL: `${gate.url}/api/` });
    const api = world.start('api', ciApiEnv(TOKEN));
    const apiPort = Number((await api.log('api started', () => true, STARTUP_MS)).port);
    await worker.log('worker started', () => true, STARTUP_MS);
    await gate.close();

    const job = await apiDeploys(apiPort, TOKEN)('v1.0.0');
    expect(job).toMatchObject({ state: 'completed', outcome: { outcome: 'released', historyPending: false } });
    expect(git(world.historyRemote, 'log', '--format=%s', 'main')).toMatch(/^deploy mary@\w+ \(v1\.0\.0\) to dev3/m);
    const announced = () => world.slack.callsOf('chat.postMessage').filter((c) => c.status === 200 && c.args['channel'] === 'tech-release-dev');
    expect(announced()).toEqual([]);
    await worker.log('slack notification will be retried', () => true, 60_000);

    await gate.open();
    const posted = await eventually('the announcement once Slack is back', () => (announced().length > 0 ? announced() : undefined), 60_000, 100);
    expect(posted.map((c) => c.args['text'])).toEqual([expect.stringMatching(/^deployed mary@\w+ \(v1\.0\.0\) to dev3/)]);
  }, 300_000);
});
