// The config-sync kind of schedule as the worker runs it: the sync of the schedule's environment
// on real parts (git, history, kube simulator), each app released announced, and ONE summary in
// the schedule's channel with the changed keys in its thread, posted through a real WebClient to
// the Slack Web API stand-in.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogLevel, webApi } from '@slack/bolt';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { NOTIFIER_CLIENT_OPTIONS } from '../../../src/adapters/slack/notifier/index.js';
import type { EnvironmentSchedule } from '../../../src/core/config/environment-schedules.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { fleetScheduleHandlers } from '../../../src/main/fleet-schedules.js';
import { announcerOf } from '../../../src/main/worker-announce.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { useSlackApiStandin } from '../../support/slack-api-standin.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

describe('the config-sync schedule in the worker', { timeout: 60_000 }, () => {
  const standin = useSlackApiStandin();

  it('releases the app whose config changed, announces it, and posts one summary with the changed keys in its thread', async () => {
    for (const app of ['gandalf', 'pricing']) writeFileSync(join(f.configDir, 'staging', 'apps', `${app}.yaml`), 'is_enabled: false\n');
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'dev3', ref: 'main' });
    const file = join(f.configDir, 'staging', 'project.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('ope: { NODE_ENV: staging,', 'ope: { NODE_ENV: staging, FEATURE_FLAGS: "on",'));

    const slack = new webApi.WebClient('xoxb-test-token', { slackApiUrl: standin.apiUrl, ...NOTIFIER_CLIENT_OPTIONS, logLevel: LogLevel.ERROR });
    const announced: string[] = [];
    const announce = announcerOf(async (_deps, input) => void announced.push(`${input.result.app} ${input.result.outcome}`), () => undefined);
    const handlers = fleetScheduleHandlers(f.deps, announce, slack, pino({ level: 'silent' }));
    const schedule: EnvironmentSchedule = { env: 'dev3', name: 'config-sync', kind: 'config-sync', cron: '15 * * * *', timeZone: 'UTC', channel: 'tech-release-dev' };
    const outcome = await handlers['config-sync']({ env: 'dev3', schedule, firedAt: new Date(), firingId: 'firing-1', signal: new AbortController().signal });
    await announce.settled();

    expect(outcome).toEqual({ counts: { failed: 0, released: 1, moved: 0, skipped: 2, unchanged: 0 }, text: 'dev3 config sync: 3 apps: 1 released, 2 skipped, 0 unchanged' });
    expect(announced).toEqual(['mary released']);
    expect((await f.history.list('mary', 'dev3', 1))[0]).toMatchObject({ kind: 'config', user: 'schedule:config-sync' });
    const [summary, ...thread] = standin.callsOf('chat.postMessage');
    expect(summary!.args).toMatchObject({ channel: 'tech-release-dev' });
    expect(summary!.args['thread_ts']).toBeUndefined();
    expect(thread.length).toBeGreaterThan(0);
    expect(thread.every((reply) => reply.args['thread_ts'] !== undefined)).toBe(true);
    expect(JSON.stringify(thread.map((reply) => reply.args))).toContain('+ FEATURE_FLAGS = on');
  });
});
