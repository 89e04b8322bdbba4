// `nestor bot`, `nestor worker` and `nestor api` as real processes serving /healthz, /readyz and
// /metrics on their operations port (NESTOR_HEALTH_PORT=0: a free one, logged), the api on its
// own port too. A deploy whose rollout fails (a crashing image in the simulator) is rolled back
// by the worker: its counters move (jobs by outcome, rollouts rolled_back, the rollout step
// timed), its job logs carry the job's fields, and the queue gauges read from Redis show the
// same in every process. With Redis gone, every process says it is not ready, and why.
import { afterAll, describe, expect, it } from 'vitest';
import { apiDeploys, ciApiEnv, STARTUP_MS } from '../../support/api-deploys.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { processWorld, type NestorProcess } from '../../support/nestor-processes.js';
import { sampleValue } from '../../support/prometheus-text.js';

afterAll(cleanupFixtures);

const TOKEN = 'operations-test-api-token-0123456789';

interface Answer {
  status: number;
  type: string;
  text: string;
}

async function get(port: number, path: string): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${String(port)}${path}`);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function healthPortOf(proc: NestorProcess): Promise<number> {
  return Number((await proc.log('operations endpoints started', () => true, STARTUP_MS)).healthPort);
}

describe('operations endpoints of the processes', () => {
  it('serve health, readiness and metrics; a rolled-back rollout moves the counters; without Redis none is ready', async (ctx) => {
    const world = await processWorld(ctx);
    const bot = world.start('bot');
    const worker = world.start('worker');
    const api = world.start('api', ciApiEnv(TOKEN));
    const ports = { bot: await healthPortOf(bot), worker: await healthPortOf(worker), api: await healthPortOf(api) };
    const apiPort = Number((await api.log('api started', () => true, STARTUP_MS)).port);
    const deploy = apiDeploys(apiPort, TOKEN);
    await bot.log('bot started', () => true, STARTUP_MS);
    await worker.log('worker started', () => true, STARTUP_MS);

    for (const port of [...Object.values(ports), apiPort]) {
      const health = await get(port, '/healthz');
      expect(health.status).toBe(200);
      expect(JSON.parse(health.text)).toMatchObject({ status: 'alive' });
      // The bot is ready once Slack answered its auth.test; the worker once its consumer runs.
      const ready = await eventually(`port ${String(port)} to be ready`, async () => {
        const answer = await get(port, '/readyz');
        return answer.status === 200 ? answer : undefined;
      }, 30_000, 100);
      expect(JSON.parse(ready.text)).toMatchObject({ status: 'ready' });
      const metrics = await get(port, '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.type).toContain('text/plain');
      expect(sampleValue(metrics.text, 'nestor_process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(sampleValue(metrics.text, 'nestor_queue_jobs', { state: 'waiting' })).toBe(0);
      expect(sampleValue(metrics.text, 'nestor_approvals_pending')).toBe(0);
    }
    expect(JSON.parse((await get(ports.worker, '/readyz')).text).checks).toEqual(['redis', 'queue consumer']);
    expect(JSON.parse((await get(ports.bot, '/readyz')).text).checks).toEqual(['redis', 'slack auth']);
    expect(world.slack.callsOf('auth.test').length).toBeGreaterThan(0);
    expect((await get(ports.bot, '/nothing')).status).toBe(404);

    const good = await deploy('v1.0.0');
    expect(good).toMatchObject({ state: 'completed', outcome: { outcome: 'released' } });
    world.sim.controllers.options.crashingImages = [world.app.shas.feature];
    const bad = await deploy('feature-x');
    expect(bad).toMatchObject({ state: 'completed', outcome: { outcome: 'rolled-back' } });

    const counted = (await get(ports.worker, '/metrics')).text;
    expect(sampleValue(counted, 'nestor_jobs_total', { kind: 'deploy', outcome: 'released' })).toBe(1);
    expect(sampleValue(counted, 'nestor_jobs_total', { kind: 'deploy', outcome: 'rolled-back' })).toBe(1);
    expect(sampleValue(counted, 'nestor_rollouts_total', { outcome: 'succeeded' })).toBe(1);
    expect(sampleValue(counted, 'nestor_rollouts_total', { outcome: 'rolled_back' })).toBe(1);
    expect(sampleValue(counted, 'nestor_rollouts_total', { outcome: 'failed' })).toBeUndefined();
    expect(sampleValue(counted, 'nestor_job_duration_seconds_count', { kind: 'deploy' })).toBe(2);
    // The failed rollout and the rollback's own rollout: three rollout stages in two jobs.
    expect(sampleValue(counted, 'nestor_job_step_duration_seconds_count', { kind: 'deploy', step: 'rollout' })).toBe(3);
    expect(sampleValue(counted, 'nestor_job_step_duration_seconds_count', { kind: 'deploy', step: 'rollback' })).toBe(1);
    expect(sampleValue(counted, 'nestor_history_writes_pending')).toBe(0);
    // Every call to another system timed: the applies (server-side apply is a PATCH), the history's pushes.
    const calls = (system: string, operation: string) => sampleValue(counted, 'nestor_external_call_duration_seconds_count', { system, operation, outcome: 'ok' }) ?? 0;
    expect(calls('kubernetes', 'patch')).toBeGreaterThan(0);
    expect(calls('kubernetes', 'get')).toBeGreaterThan(0);
    expect(calls('git', 'push')).toBeGreaterThan(0);
    // Counters are the worker's own: the api ran no job, but reads the same queue from Redis.
    const apiMetrics = (await get(apiPort, '/metrics')).text;
    expect(sampleValue(apiMetrics, 'nestor_jobs_total', { kind: 'deploy', outcome: 'released' })).toBeUndefined();
    expect(sampleValue(apiMetrics, 'nestor_queue_jobs', { state: 'active' })).toBe(0);
    expect(sampleValue(apiMetrics, 'nestor_queue_oldest_waiting_age_seconds')).toBe(0);

    const ended = await worker.log('job ended', (l) => l['jobId'] === bad['jobId']);
    expect(ended).toMatchObject({ kind: 'deploy', app: 'mary', env: 'dev3', requester: expect.any(String), outcome: 'rolled-back' });
    expect(ended['durationMs']).toEqual(expect.any(Number));
    await worker.log('job started', (l) => l['jobId'] === bad['jobId'] && l['app'] === 'mary');

    await world.redis.stop();
    for (const [role, port] of Object.entries(ports)) {
      const answer = await eventually(`${role} to say it is not ready`, async () => {
        const readyz = await get(port, '/readyz');
        return readyz.status === 503 ? readyz : undefined;
      }, 30_000, 100);
      expect(JSON.parse(answer.text)).toMatchObject({ status: 'not ready', role, notReady: [expect.objectContaining({ name: 'redis' })] });
      expect((await get(port, '/healthz')).status).toBe(200);
      // The scrape still answers, without the gauges Redis holds.
      const metrics = await get(port, '/metrics');
      expect(metrics.status).toBe(200);
      expect(sampleValue(metrics.text, 'nestor_queue_jobs', { state: 'waiting' })).toBeUndefined();
    }
  }, 600_000);
});
