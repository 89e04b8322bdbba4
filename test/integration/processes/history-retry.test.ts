// `nestor worker` as a real process retries, on its own, publishing the releases it applied
// while the history repository could not be written: a deploy with the history remote gone is
// "applied, history pending" (its /metrics says one write pending), and once the remote is back
// the worker publishes it within NESTOR_HISTORY_RETRY_SECONDS, with no other write to carry it.
import { renameSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { apiDeploys, ciApiEnv, STARTUP_MS } from '../../support/api-deploys.js';
import { cleanupFixtures, git } from '../../support/git-fixtures.js';
import { processWorld } from '../../support/nestor-processes.js';
import { sampleValue } from '../../support/prometheus-text.js';

afterAll(cleanupFixtures);

const TOKEN = 'history-retry-test-api-token-0123456789';

describe('nestor worker with the history repository down', () => {
  it('reports the release applied, history pending, then publishes it by itself once the repository is back', async (ctx) => {
    const world = await processWorld(ctx);
    const worker = world.start('worker', { NESTOR_HISTORY_RETRY_SECONDS: '1' });
    const api = world.start('api', ciApiEnv(TOKEN));
    const healthPort = Number((await worker.log('operations endpoints started', () => true, STARTUP_MS)).healthPort);
    const apiPort = Number((await api.log('api started', () => true, STARTUP_MS)).port);
    await worker.log('worker started', () => true, STARTUP_MS);
    const deploy = apiDeploys(apiPort, TOKEN);
    const pendingWrites = async () => sampleValue(await (await fetch(`http://127.0.0.1:${String(healthPort)}/metrics`)).text(), 'nestor_history_writes_pending');
    const subjects = () => git(world.historyRemote, 'log', '--format=%s', 'main').trim().split('\n');

    expect(await deploy('v1.0.0')).toMatchObject({ state: 'completed', outcome: { outcome: 'released', historyPending: false } });
    const away = `${world.historyRemote}.away`;
    renameSync(world.historyRemote, away);
    expect(await deploy('feature-x')).toMatchObject({ state: 'completed', outcome: { outcome: 'released', historyPending: true } });
    expect(await pendingWrites()).toBe(1);
    await worker.log('history still pending', () => true, 30_000);

    renameSync(away, world.historyRemote);
    const published = await worker.log('history published: releases left pending are in the history repository', () => true, 30_000);
    expect(published.pushed).toBe(1);
    expect(await pendingWrites()).toBe(0);
    expect(subjects()[0]).toMatch(/^deploy mary@\w+ \(feature-x\) to dev3/);
    expect(subjects().filter((s) => s.startsWith('deploy mary'))).toHaveLength(2);
  }, 300_000);
});
