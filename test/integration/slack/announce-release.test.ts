// Release announcements posted through a real WebClient to the Slack Web API stand-in, with the
// changelog from a SourceRepo and the previous version from the release history (fakes of both).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogLevel, webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeReleaseHistory } from '../../../src/testkit/fakes/git/fake-release-history.js';
import { FakeSourceRepo } from '../../../src/testkit/fakes/git/fake-source-repo.js';
import { announceRelease, NOTIFIER_CLIENT_OPTIONS, type AnnounceInput } from '../../../src/adapters/slack/notifier/index.js';
import type { MergedConfig } from '../../../src/core/config/schema.js';
import type { ReleaseResult } from '../../../src/core/release/release-deps.js';
import { DeliveryReports } from '../../support/delivery-reports.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';
import { startSlackApiStandin, type RecordedCall, type SlackApiStandin } from '../../support/slack-api-standin.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/golden/slack');
const ORIGIN = 'git@github.com:transcovo/mary.git';
const CONFIG: MergedConfig = { app: 'mary', git: { origin: ORIGIN }, slack: { token: '$SLACK_BOT_TOKEN', channels: { info: 'tech-release-dev', error: 'tech-release-errors' } } };
const WEB = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: mary-web, namespace: dev3}\n';

let standin: SlackApiStandin;
let source: FakeSourceRepo;
let history: FakeReleaseHistory;
let shas: { previous: string; next: string };

const client = () => new webApi.WebClient('xoxb-test-token', { slackApiUrl: standin.apiUrl, ...NOTIFIER_CLIENT_OPTIONS, logLevel: LogLevel.ERROR });
const blocksOf = (c: RecordedCall) => JSON.stringify(c.args['blocks']);

async function recordRelease(sha: string, ref: string, jobId: string): Promise<string> {
  const record = { sha, ref, configHash: 'c1', user: 'alice', at: '2024-05-01T10:00:00.000Z', jobId };
  return (await history.record({ app: 'mary', env: 'dev3', kind: 'deploy', manifestsByCluster: { kapten_dev: WEB }, record })).commit;
}

function result(extra: Partial<ReleaseResult> = {}): ReleaseResult {
  return { outcome: 'released', app: 'mary', env: 'dev3', message: `mary feature-x (${shas.next.slice(0, 7)}) released to dev3`, sha: shas.next, ref: 'feature-x', historyPending: false, changes: [], failures: [], diff: '', ...extra };
}

function input(extra: Partial<AnnounceInput> = {}): AnnounceInput {
  return { result: result(), config: CONFIG, user: 'alice', approvedBy: 'carol', durationMs: 83_000, ...extra };
}

beforeEach(async () => {
  standin = await startSlackApiStandin();
  source = new FakeSourceRepo();
  history = new FakeReleaseHistory();
  const previous = source.commit(ORIGIN, 'main', 'initial web and purge cron', { Procfile: 'web: node server.js\n' });
  source.tag(ORIGIN, 'v1.4.1', previous);
  for (let i = 1; i <= 21; i += 1) source.commit(ORIGIN, 'main', `change ${i}: tune <!channel> & co`, { [`f${i}`]: String(i) });
  const next = source.commit(ORIGIN, 'main', 'Add the feature x\n\nwith a body', { Procfile: 'web: node server.js --x\n' });
  shas = { previous, next };
  await recordRelease(previous, 'v1.4.1', 'job-1');
});
afterEach(async () => {
  await standin.stop();
});

describe('release announcements', () => {
  it('posts a release in the info channel: versions from the history, approver, duration and a bounded changelog', async () => {
    const commit = await recordRelease(shas.next, 'feature-x', 'job-2');
    const announced = await announceRelease({ slack: client(), source, history }, input({ result: result({ commit }) }));

    expect(announced).toMatchObject({ channel: 'tech-release-dev' });
    const [post] = standin.callsOf('chat.postMessage');
    expect(post!.args).toMatchObject({ channel: 'tech-release-dev', text: result().message });
    const blocks = blocksOf(post!);
    expect(blocks).toContain(`*Version*\\nv1.4.1 (${shas.previous.slice(0, 7)}) → feature-x (${shas.next.slice(0, 7)})`);
    expect(blocks).toContain('*Approved by*\\ncarol');
    expect(blocks).toContain('*Duration*\\n1m 23s');
    expect(blocks).toContain(`${shas.next.slice(0, 7)} Add the feature x\\n`);
    expect(blocks).toContain('… and 7 more');
    expect(blocks).not.toContain('initial web and purge cron');
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).not.toContain('SLACK_BOT_TOKEN');
  });

  it('matches the golden Block Kit JSON (UPDATE_GOLDEN=1 rewrites it)', async () => {
    await announceRelease({ slack: client(), source, history }, input({ previousSha: shas.previous }));
    const { channel, text, blocks } = standin.callsOf('chat.postMessage')[0]!.args;
    const actual = `${JSON.stringify({ channel, text, blocks }, null, 2)}\n`;
    const file = join(GOLDEN, 'release-announcement-posted.json');
    if (process.env['UPDATE_GOLDEN'] === '1') {
      await mkdir(GOLDEN, { recursive: true });
      await writeFile(file, actual);
    }
    expect(actual).toBe(await readFile(file, 'utf8'));
  });

  it('posts a failed or rolled-back release in the error channel (the info channel when there is none)', async () => {
    const rolledBack = result({ outcome: 'rolled-back', message: 'mary: rollout failed in dev3, rolled back', failures: ['Deployment dev3/mary-web: ImagePullBackOff'] });
    await announceRelease({ slack: client(), source, history }, input({ result: rolledBack, previousSha: shas.previous }));
    const infoOnly: MergedConfig = { ...CONFIG, slack: { channels: { info: 'tech-release-dev' } } };
    await announceRelease({ slack: client(), source, history }, input({ result: result({ outcome: 'failed', message: 'mary: no branch feature-y', sha: undefined }), config: infoOnly }));

    const [failed, noErrorChannel] = standin.callsOf('chat.postMessage');
    expect(failed!.args).toMatchObject({ channel: 'tech-release-errors', text: 'mary: rollout failed in dev3, rolled back' });
    expect(blocksOf(failed!)).toContain('Deployment dev3/mary-web: ImagePullBackOff');
    expect(blocksOf(failed!)).toContain(':x:');
    expect(noErrorChannel!.args).toMatchObject({ channel: 'tech-release-dev', text: 'mary: no branch feature-y' });
  });

  it('takes what ran before from the result when the pipeline knew it, reading no history', async () => {
    const unreadable = { ...history, list: () => Promise.reject(new Error('the history was read')) } as unknown as FakeReleaseHistory;
    await announceRelease({ slack: client(), source, history: unreadable }, input({ result: result({ previous: { sha: shas.previous, ref: 'v1.4.1' } }) }));
    await announceRelease({ slack: client(), source, history: unreadable }, input({ result: result({ previous: null }) }));
    const [known, first] = standin.callsOf('chat.postMessage');
    expect(blocksOf(known!)).toContain(`*Version*\\nv1.4.1 (${shas.previous.slice(0, 7)}) → feature-x (${shas.next.slice(0, 7)})`);
    expect(blocksOf(first!)).toContain(`*Version*\\nfeature-x (${shas.next.slice(0, 7)})"`);
  });

  it('announces nothing for a dry run or without channels', async () => {
    const slack = client();
    expect(await announceRelease({ slack, source, history }, input({ result: result({ outcome: 'dry-run' }) }))).toBeUndefined();
    expect(await announceRelease({ slack, source, history }, input({ config: { app: 'mary' } }))).toBeUndefined();
    expect(standin.calls).toHaveLength(0);
  });

  it('still announces when git is unreachable, saying the changelog is missing', async () => {
    source.setReachable(ORIGIN, false);
    await announceRelease({ slack: client(), source, history }, input({ previousSha: shas.previous }));
    const blocks = blocksOf(standin.callsOf('chat.postMessage')[0]!);
    expect(blocks).toContain('changelog unavailable');
    expect(blocks).toContain('*Version*');
  });

  it('waits out a 429 Retry-After and posts', async () => {
    standin.rateLimit('chat.postMessage', 1, 2);
    const clock = new ManualClock();
    const reports = new DeliveryReports();
    const posting = announceRelease({ slack: client(), source, history, clock, observe: reports.observe }, input({ previousSha: shas.previous }));
    expect(await reports.waitFor((r) => r.result === 'retry')).toMatchObject({ lane: 'announcement', reason: 'rate-limited', retryInMs: 2_000 });
    await clock.advance(2_000);
    expect(await posting).toMatchObject({ channel: 'tech-release-dev' });
    expect(standin.callsOf('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
  });
});
