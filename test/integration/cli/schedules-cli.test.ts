// `nestor schedules` and `nestor schedule run` as the real program, in-process, on the example
// config and a redis-server of the test's own (the CLI uses the production queue and key names).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScheduleWorker } from '../../../src/adapters/schedules/schedule-worker.js';
import { RedisScheduleRuns } from '../../../src/adapters/schedules/redis-schedule-runs.js';
import { systemClock } from '../../../src/adapters/system/system-clock.js';
import { allSchedules, loadConfigTree } from '../../../src/core/config/index.js';
import { scheduleHandlers } from '../../../src/core/schedules/schedule-handlers.js';
import { EXAMPLE_CONFIG_DIR, exampleConfigFiles } from '../../support/config-fixtures.js';
import { cliOn } from '../../support/cli-run.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { redisClient } from '../../support/redis.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
  cleanupFixtures();
});

const nestor = (env: Record<string, string> = {}) => cliOn(() => ({ cwd: tempDir('nestor-schedules-cli-'), env: { REDIS_URL: redis.url, ...env } }));

describe('nestor schedules', () => {
  it('needs REDIS_URL', async () => {
    const run = await cliOn({ cwd: tempDir('nestor-schedules-cli-') })('schedules', '--config', EXAMPLE_CONFIG_DIR);
    expect(run).toMatchObject({ code: 2, err: "nestor: schedules live in the workers' Redis: set REDIS_URL\n" });
  });

  it('lists every schedule; schedule run fires one as a worker runs it, and the listing says how it went', async (ctx) => {
    const listed = await nestor()('schedules', '--json', '--config', EXAMPLE_CONFIG_DIR);
    expect(listed.code).toBe(0);
    const entries = JSON.parse(listed.out) as { id: string; next: string | null; scheduled: boolean; last: unknown }[];
    expect(entries.map((e) => e.id)).toContain('nestor:staging:staging-release');
    expect(entries).toHaveLength(11);
    expect(entries.every((e) => e.next !== null && !e.scheduled && e.last === null)).toBe(true);

    const unknown = await nestor()('schedule', 'run', 'staging/staging-relase', '--config', EXAMPLE_CONFIG_DIR);
    expect(unknown).toMatchObject({ code: 2, err: 'nestor: unknown schedule "staging/staging-relase" (did you mean "staging/staging-release"?)\n' });

    const fired = await nestor()('schedule', 'run', 'staging-release', '--config', EXAMPLE_CONFIG_DIR);
    expect(fired.code).toBe(0);
    expect(fired.out).toMatch(/^fired staging\/staging-release \(staging-release\) as job now-staging-staging-release-/);

    const tree = loadConfigTree(await exampleConfigFiles());
    const connection = redisClient({ maxRetriesPerRequest: null }, redis.url);
    const worker = startScheduleWorker({
      connection, deps: { handlers: scheduleHandlers(), runs: new RedisScheduleRuns(connection), clock: systemClock, schedules: async () => allSchedules(tree) },
    });
    ctx.onTestFinished(() => worker.close());
    const table = await eventually('the run in the listing', async () => {
      const run = await nestor()('schedules', '--config', EXAMPLE_CONFIG_DIR);
      return run.out.includes('failed at') ? run.out : undefined;
    });
    const line = table.split('\n').find((l) => l.startsWith('staging/staging-release'));
    expect(line).toMatch(/staging-release +\*\/30 \* \* \* \* {2}UTC +\d{4}-\d\d-\d\d \d\d:\d\d \(not on the queue yet\) {2}failed at .* \(schedules of kind staging-release are not available yet\), run by tester$/);
    expect(table.split('\n')[0]).toMatch(/^SCHEDULE +KIND +CRON +TIME ZONE +NEXT \(UTC\) +LAST RUN$/);
  });
});
