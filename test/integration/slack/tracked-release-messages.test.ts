// The summary and thread of a tracked release for 130 apps (and for far more), rendered as Block
// Kit and posted through a real WebClient to the Slack Web API stand-in: one summary message,
// counts first, within Slack's block and text limits, every app named in the thread.
import { LogLevel, webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { toBlockKit } from '../../../src/adapters/slack/block-kit.js';
import { NOTIFIER_CLIENT_OPTIONS } from '../../../src/adapters/slack/notifier/index.js';
import { postTrackedRelease } from '../../../src/adapters/slack/notifier/post-tracked-release.js';
import { trackedReleaseMessages } from '../../../src/core/fleet/tracked-release-messages.js';
import type { TrackedApp, TrackedRelease } from '../../../src/core/fleet/tracked-release.js';
import type { ReleaseResult } from '../../../src/core/release/release-deps.js';
import { useSlackApiStandin } from '../../support/slack-api-standin.js';
import { sectionTexts, withinLimits } from '../../support/slack-limits.js';

const sha = (n: number) => n.toString(16).padStart(40, 'a');

function app(i: number): TrackedApp {
  const name = `service-${String(i).padStart(3, '0')}-${'x'.repeat(20)}`;
  if (i < 10) {
    const result = { outcome: 'released', app: name, env: 'staging', message: `deployed ${name}@${sha(i).slice(0, 7)} (master) to staging`, historyPending: false, changes: [], failures: [], diff: '' } satisfies ReleaseResult;
    return { app: name, outcome: 'released', sha: sha(i), previous: sha(i + 1000), message: result.message, result };
  }
  if (i < 14) {
    const failures = [`Deployment staging/${name}-web: <!channel> & ${'progress deadline exceeded '.repeat(8)}`];
    const result = { outcome: 'rolled-back', app: name, env: 'staging', message: `rollout of ${name} failed; rolled back and pinned`, historyPending: false, changes: [], failures, diff: '' } satisfies ReleaseResult;
    return { app: name, outcome: 'failed', sha: sha(i), message: `${result.message}: ${failures[0]}`, result };
  }
  if (i < 18) return { app: name, outcome: 'skipped', sha: sha(i), skip: { reason: 'pinned', by: 'carol', why: 'holding it for the audit', at: '2026-11-30T10:00:00.000Z' }, message: 'pinned' };
  return { app: name, outcome: 'unchanged', sha: sha(i), previous: sha(i), message: 'unchanged' };
}

function run(apps: number): TrackedRelease {
  return { env: 'staging', branch: 'master', parallelism: 4, dryRun: false, channel: 'tech-release-staging', apps: Array.from({ length: apps }, (_, i) => app(i)), durationMs: 95_000 };
}

describe('tracked release messages', () => {
  it('summarise 130 apps in one message, counts first, the details of every app in its thread', () => {
    const { summary, thread } = trackedReleaseMessages(run(130), { runId: 'firing-7', by: 'schedule staging-release' });
    const posted = toBlockKit(summary);
    withinLimits(posted);
    expect(posted.text).toBe('staging follows master: 130 apps: 4 failed, 10 released, 4 skipped, 112 unchanged');
    expect(sectionTexts(posted)[1]).toContain('*Failed (4)*');
    expect(JSON.stringify(posted.blocks)).toContain('pinned by carol on 2026-11-30 10:00: holding it for the audit');
    expect(JSON.stringify(posted.blocks)).not.toContain('<!channel>');
    const replies = thread.map(toBlockKit);
    replies.forEach(withinLimits);
    const details = replies.flatMap(sectionTexts).join('\n');
    for (const a of run(130).apps) expect(details).toContain(a.app);
  });

  it('end long lists with "and N more" and split the thread for thousands of apps', () => {
    const { summary, thread } = trackedReleaseMessages(run(3000), { runId: 'r', by: 'alice' });
    const posted = toBlockKit(summary);
    withinLimits(posted);
    expect(sectionTexts(posted).some((t) => /… and \d+ more/.test(t))).toBe(true);
    expect(thread.length).toBeGreaterThan(1);
    thread.map(toBlockKit).forEach(withinLimits);
  });
});

describe('postTrackedRelease', () => {
  const standin = useSlackApiStandin();

  it('posts the summary in the channel and the details in its thread', async () => {
    const slack = new webApi.WebClient('xoxb-test-token', { slackApiUrl: standin.apiUrl, ...NOTIFIER_CLIENT_OPTIONS, logLevel: LogLevel.ERROR });
    const messages = trackedReleaseMessages(run(130), { runId: 'firing-7', by: 'schedule' });
    const ts = await postTrackedRelease({ slack }, 'tech-release-staging', messages, 'firing-7');
    const [first, ...rest] = standin.callsOf('chat.postMessage');
    expect(first!.args).toMatchObject({ channel: 'tech-release-staging', text: toBlockKit(messages.summary).text });
    expect(first!.args['thread_ts']).toBeUndefined();
    expect(rest).toHaveLength(messages.thread.length);
    for (const reply of rest) expect(reply.args).toMatchObject({ channel: 'tech-release-staging', thread_ts: ts });
  });
});
