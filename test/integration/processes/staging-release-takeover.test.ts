// The staging release in real `nestor worker` processes: a firing whose worker is SIGKILLed in
// the middle of an app's apply is taken over by another worker under the same firing, which
// completes every app: each is released (recorded) once, and one summary is posted.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqScheduleQueue } from '../../../src/adapters/schedules/bullmq-schedule-queue.js';
import { GitReleaseHistory } from '../../../src/adapters/git/git-release-history.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, commitFiles, git, makeAppRepo, tempDir } from '../../support/git-fixtures.js';
import { processWorld } from '../../support/nestor-processes.js';
import { redisClient } from '../../support/redis.js';

afterAll(cleanupFixtures);

describe('the staging-release schedule in worker processes', () => {
  it('a worker SIGKILLed mid-release: another takes the firing over and releases every app once', async (ctx) => {
    const world = await processWorld(ctx);
    // staging: mary and alpha follow master one at a time; gandalf and pricing are off.
    const alpha = makeAppRepo(tempDir()).dir;
    const apps: Record<string, string> = { alpha, mary: world.app.dir };
    for (const [app, dir] of Object.entries(apps)) {
      commitFiles(dir, `${app} starts`, { APP: `${app}\n` });
      git(dir, 'branch', 'master', 'main');
    }
    const staging = join(world.configDir, 'staging');
    writeFileSync(join(staging, 'apps', 'alpha.yaml'), `app: alpha\nport: 8080\nprocesses: { web: node server.js }\ngit: { origin: ${alpha} }\n`);
    for (const off of ['gandalf', 'pricing']) writeFileSync(join(staging, 'apps', `${off}.yaml`), 'is_enabled: false\n');
    const project = join(staging, 'project.yaml');
    writeFileSync(project, readFileSync(project, 'utf8').replace(/^release: .*$/m, 'release: { tracks: master, parallelism: 1 }'));

    const fast = { NESTOR_JOB_LOCK_SECONDS: '8' };
    // The first apply gets no answer: the first worker is caught in alpha's release.
    world.sim.faults.hangNext(1, { method: 'PATCH' });
    const doomed = world.start('worker', fast);
    await doomed.log('schedules reconciled');
    const queue = new BullmqScheduleQueue({ connection: redisClient({}, world.redis.url) });
    ctx.onTestFinished(() => queue.close());
    const firingId = await queue.fireNow({ env: 'staging', name: 'staging-release' }, 'alice');
    await eventually('the first worker to be stuck in an apply', () => world.sim.faults.hungCount > 0, 60_000, 5);
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    const heir = world.start('worker', fast);

    const fired = await heir.log('schedule fired', (l) => l.firingId === firingId, 120_000);
    expect(fired).toMatchObject({ result: 'succeeded', counts: { released: 2, failed: 0 } });
    const history = new GitReleaseHistory({ remote: world.historyRemote, workDir: tempDir('nestor-history-read-') });
    for (const [app, dir] of Object.entries(apps)) {
      const releases = await history.list(app, 'staging');
      expect(releases.map((r) => r.sha)).toEqual([git(dir, 'rev-parse', 'master').trim()]);
      expect(releases[0]).toMatchObject({ ref: 'master', jobId: `${firingId}.${app}`, user: 'schedule:staging-release' });
    }
    const summaries = world.slack.callsOf('chat.postMessage').filter((c) => String(c.args['text']).startsWith('staging follows master'));
    expect(summaries.map((c) => [c.args['channel'], c.args['text']])).toEqual([['tech-release-staging', 'staging follows master: 4 apps: 2 released, 2 skipped, 0 unchanged']]);
    const details = world.slack.callsOf('chat.postMessage').filter((c) => c.args['thread_ts'] !== undefined);
    expect(details.map((c) => c.args['channel'])).toEqual(['tech-release-staging']);
  }, 300_000);
});
