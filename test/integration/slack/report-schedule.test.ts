// The report kind of schedule as the worker runs it: the sync report of the schedule's
// environment on real parts (git, history, kube simulator), the firings of its schedules that were
// skipped read from the run records in Redis, and ONE summary in the schedule's channel with every
// app in its thread, posted through a real WebClient to the Slack Web API stand-in.
import { LogLevel, webApi } from '@slack/bolt';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { NOTIFIER_CLIENT_OPTIONS } from '../../../src/adapters/slack/notifier/index.js';
import { RedisScheduleRuns } from '../../../src/adapters/schedules/redis-schedule-runs.js';
import type { EnvironmentSchedule } from '../../../src/core/config/environment-schedules.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { schedulerId } from '../../../src/core/schedules/desired-schedulers.js';
import { reportHandler } from '../../../src/main/report-schedule.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { redisClient, uniqueName } from '../../support/redis.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { useSlackApiStandin } from '../../support/slack-api-standin.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const schedule = (name: string, kind: EnvironmentSchedule['kind']): EnvironmentSchedule => ({ env: 'dev3', name, kind, cron: '0 9 * * 1-5', timeZone: 'UTC' });

describe('the report schedule in the worker', { timeout: 60_000 }, () => {
  const standin = useSlackApiStandin();

  it('posts one summary, counts first, with the skipped firings, and every app in its thread', async () => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'dev3', ref: 'main' });
    // Its own key prefix: run records are keyed by scheduler id, which other tests use too.
    const redis = redisClient({ keyPrefix: `${uniqueName('report')}:` });
    // A config-sync run that went on while two of its firings came.
    const runs = new RedisScheduleRuns(redis);
    const sync = schedule('config-sync', 'config-sync');
    const run = { firingId: 'f-1', trigger: 'schedule' as const, firedAt: '2026-12-02T08:15:00.000Z', startedAt: '2026-12-02T08:15:00.000Z', status: 'running' as const, skippedBefore: 0 };
    await runs.begin(schedulerId(sync), run, 60_000);
    for (const id of ['f-2', 'f-3']) await runs.begin(schedulerId(sync), { ...run, firingId: id }, 60_000);

    const slack = new webApi.WebClient('xoxb-test-token', { slackApiUrl: standin.apiUrl, ...NOTIFIER_CLIENT_OPTIONS, logLevel: LogLevel.ERROR });
    const handler = reportHandler(f.deps, redis, slack, pino({ level: 'silent' }));
    const outcome = await handler({ env: 'dev3', schedule: schedule('report', 'report'), firedAt: new Date(), firingId: 'firing-9', signal: new AbortController().signal });

    expect(outcome).toEqual({ counts: { apps: 3, released: 1, drifted: 0, configOutOfSync: 0, pinned: 0, failed: 0, unknown: 0 }, text: 'dev3: 3 apps: all in sync (2 never released)' });
    const [summary, ...thread] = standin.callsOf('chat.postMessage');
    // No channel on the schedule: the environment's.
    expect(summary!.args).toMatchObject({ channel: 'tech-release-dev', text: 'dev3: 3 apps: all in sync (2 never released)' });
    expect(JSON.stringify(summary!.args['blocks'])).toContain('dev3/config-sync (config-sync): running since 2026-12-02 08:15; 2 firings skipped since');
    expect(thread).toHaveLength(1);
    expect(thread[0]!.args['thread_ts']).toBeDefined();
    expect(JSON.stringify(thread[0]!.args['blocks'])).toContain(`mary ${f.app.shas.second.slice(0, 7)} (main)`);
  });
});
