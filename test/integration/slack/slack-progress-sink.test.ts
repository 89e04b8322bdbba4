// The Slack ProgressSink against the local Slack Web API stand-in through a real WebClient:
// coalesced edits, 429 Retry-After, Slack down when the final state is due.
import { LogLevel, webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackProgressSink, NOTIFIER_CLIENT_OPTIONS, type SlackProgressSink } from '../../../src/adapters/slack/notifier/index.js';
import { runJob } from '../../../src/core/jobs/run-job.js';
import { MemoryLocks } from '../../../src/testkit/fakes/memory/memory-locks.js';
import { systemClock } from '../../../src/adapters/system/system-clock.js';
import { RedisProgressMessages } from '../../../src/adapters/redis/redis-progress-messages.js';
import { DeliveryReports, retried, statusSent } from '../../support/delivery-reports.js';
import { handlersWith } from '../../support/job-fixtures.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';
import { redisClient, uniqueName } from '../../support/redis.js';
import { startSlackApiStandin, type RecordedCall, type SlackApiStandin } from '../../support/slack-api-standin.js';
import { TcpGate } from '../../support/tcp-gate.js';
import { BURST, CHANNEL, FINAL_MESSAGE, jobUpdates } from './progress-events.js';

const client = (apiUrl: string) => new webApi.WebClient('xoxb-test-token', { slackApiUrl: apiUrl, ...NOTIFIER_CLIENT_OPTIONS, logLevel: LogLevel.ERROR });
const ok = (calls: RecordedCall[]) => calls.filter((c) => c.status === 200);
const blocksOf = (c: RecordedCall) => JSON.stringify(c.args['blocks']);

let standin: SlackApiStandin;
let reports: DeliveryReports;
let sink: SlackProgressSink | undefined;

beforeEach(async () => {
  standin = await startSlackApiStandin();
  reports = new DeliveryReports();
});
afterEach(async () => {
  sink?.close();
  sink = undefined;
  await standin.stop();
});

/** The status message (posted at the top of the channel) and the replies in its thread. */
function messages() {
  const posts = ok(standin.callsOf('chat.postMessage'));
  const replies = posts.filter((c) => c.args['thread_ts'] !== undefined);
  const updates = ok(standin.callsOf('chat.update'));
  const ts = updates[0]?.args['ts'];
  for (const c of replies) expect(c.args['thread_ts']).toBe(ts);
  return { status: posts.filter((c) => c.args['thread_ts'] === undefined), replies, updates, ts };
}

describe('Slack progress sink: one message per job, edited in place', () => {
  it('coalesces a burst of 50 events into a few edits, the last one showing the final state', async () => {
    const clock = new ManualClock();
    sink = createSlackProgressSink({ slack: client(standin.apiUrl), clock, random: () => 0.5, observe: reports.observe });
    const job = jobUpdates();
    sink(job.started);
    for (let i = 0; i < BURST.length; i += 10) {
      for (const event of BURST.slice(i, i + 10)) sink(job.event(event));
      await clock.advance(250);
    }
    sink(job.completed);
    await sink.flush();

    const { status, replies, updates, ts } = messages();
    expect(status).toHaveLength(1);
    expect(status[0]!.args).toMatchObject({ channel: CHANNEL, text: 'deploy mary@feature-x to dev3: starting' });
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(3);
    for (const u of updates) expect(u.args).toMatchObject({ channel: CHANNEL, ts });
    const last = updates.at(-1)!;
    expect(last.args['text']).toBe(`deploy mary@feature-x to dev3: ${FINAL_MESSAGE}`);
    expect(blocksOf(last)).toContain(':white_check_mark:');
    expect(blocksOf(last)).toContain('40 objects applied');
    expect(blocksOf(last)).toContain('✓ history');

    expect(replies.length).toBeGreaterThanOrEqual(1);
    expect(replies.length).toBeLessThanOrEqual(2);
    const thread = replies.map((c) => String(c.args['text'])).join('\n');
    expect(thread).toContain('Diff on kapten_dev: 0 to create, 1 to update, 0 to delete, 1 unchanged');
    expect(thread).toContain('• update Deployment dev3/mary-web (spec)');
    expect(thread).toContain('⚠ mary was pinned in dev3');
    expect(JSON.stringify(standin.calls)).not.toContain('SECRET_DIFF_TEXT');
  });

  it('edits at most once a second: a change waits for the pacing interval', async () => {
    const clock = new ManualClock();
    sink = createSlackProgressSink({ slack: client(standin.apiUrl), clock, random: () => 0.5, observe: reports.observe });
    const job = jobUpdates();
    sink(job.started);
    await reports.waitFor(statusSent);
    sink(job.event(BURST[0]!));
    sink(job.event(BURST[1]!));
    await clock.advance(999);
    expect(standin.callsOf('chat.update')).toHaveLength(0);
    await clock.advance(1);
    await reports.waitFor(statusSent, 2);
    const [update] = standin.callsOf('chat.update');
    expect(update!.args['text']).toBe('deploy mary@feature-x to dev3: starting');
    expect(blocksOf(update!)).toContain('✓ resolve — feature-x is branch at 3f2c1ab');
  });

  it('shows the end of a running process\'s log in its message, edited at most every 3 s however many lines come, none in the thread', async () => {
    const clock = new ManualClock();
    sink = createSlackProgressSink({ slack: client(standin.apiUrl), clock, random: () => 0.5, observe: reports.observe });
    const job = jobUpdates();
    sink(job.started);
    await reports.waitFor(statusSent);
    sink(job.event({ type: 'log', lines: ['line 1'] }));
    await clock.advance(1_000);
    await reports.waitFor(statusSent, 2);
    expect(blocksOf(standin.callsOf('chat.update')[0]!)).toContain('line 1');

    for (let i = 2; i <= 30; i += 1) sink(job.event({ type: 'log', lines: [`line ${i}`] }));
    await clock.advance(1_999);
    expect(standin.callsOf('chat.update')).toHaveLength(1);
    await clock.advance(1);
    await reports.waitFor(statusSent, 3);
    const shown = blocksOf(standin.callsOf('chat.update')[1]!);
    expect(shown).toContain('line 21\\nline 22');
    expect(shown).toContain('line 30');
    expect(shown).not.toContain('line 20');

    sink(job.completed);
    await sink.flush();
    const { replies, updates } = messages();
    expect(blocksOf(updates.at(-1)!)).not.toContain('line 30');
    expect(JSON.stringify(replies)).not.toContain('line ');
  });

  it('edits the acknowledgement given by the origin and replies in its thread; CLI jobs are ignored', async () => {
    sink = createSlackProgressSink({ slack: client(standin.apiUrl), observe: reports.observe });
    const ack = '1714557000.000100';
    const job = jobUpdates('7', { kind: 'slack', channel: CHANNEL, ts: ack });
    const cli = jobUpdates('8', { kind: 'cli' });
    for (const u of [job.started, cli.started, job.event(BURST[3]!), job.completed, cli.completed]) sink(u);
    await sink.flush();
    expect(ok(standin.callsOf('chat.postMessage')).map((c) => c.args['thread_ts'])).toEqual([ack]);
    const updates = ok(standin.callsOf('chat.update'));
    expect(updates.every((c) => c.args['ts'] === ack)).toBe(true);
    expect(updates.at(-1)!.args['text']).toBe(`deploy mary@feature-x to dev3: ${FINAL_MESSAGE}`);
  });

  it('a failed attempt that will be retried says so; the next attempt edits the same message', async () => {
    sink = createSlackProgressSink({ slack: client(standin.apiUrl), observe: reports.observe });
    const first = jobUpdates('9');
    sink(first.started);
    sink(first.failed('cannot reach the cluster', false));
    await sink.flush();
    const second = jobUpdates('9', undefined, 2);
    sink(second.started);
    sink(second.failed('cannot reach the cluster', true));
    await sink.flush();
    const { status, updates, replies } = messages();
    expect(status).toHaveLength(1);
    expect(updates.at(-1)!.args['text']).toBe('deploy mary@feature-x to dev3: cannot reach the cluster');
    expect(blocksOf(updates.at(-1)!)).toContain(':x:');
    const thread = replies.map((c) => String(c.args['text'])).join('\n');
    expect(thread).toContain('✗ attempt 1 failed, will be retried: cannot reach the cluster');
    expect(thread).toContain('attempt 2 started');
    expect(thread).toContain('✗ failed: cannot reach the cluster');
  });

  it('a job taken over by another worker edits the message the first one posted, found in Redis', async () => {
    const prefix = `${uniqueName('progress')}:`;
    const crashed = createSlackProgressSink({ slack: client(standin.apiUrl), messages: new RedisProgressMessages({ redis: redisClient(), prefix }), observe: reports.observe });
    const job = jobUpdates('taken-over');
    crashed(job.started);
    crashed(job.event(BURST[0]!));
    await crashed.flush();
    crashed.close(); // the first worker dies mid-job: what it knew is gone
    const saved = await new RedisProgressMessages({ redis: redisClient(), prefix }).find('taken-over');
    expect(saved).toEqual({ channel: CHANNEL, ts: expect.any(String) as string });

    // Another worker, sharing only Redis, runs the job again.
    sink = createSlackProgressSink({ slack: client(standin.apiUrl), messages: new RedisProgressMessages({ redis: redisClient(), prefix }), observe: reports.observe });
    sink(job.started);
    for (const event of BURST.slice(0, 5)) sink(job.event(event));
    sink(job.completed);
    await sink.flush();
    const { status, updates, replies } = messages();
    expect(status).toHaveLength(1);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.every((c) => c.args['ts'] === saved!.ts && c.args['channel'] === CHANNEL)).toBe(true);
    expect(updates.at(-1)!.args['text']).toBe(`deploy mary@feature-x to dev3: ${FINAL_MESSAGE}`);
    expect(replies.every((c) => c.args['thread_ts'] === saved!.ts)).toBe(true);
  });
});

describe('Slack progress sink: faults', () => {
  it('429 on chat.update: the job runs on without waiting, edits resume after Retry-After, the final state is posted', async () => {
    standin.rateLimit('chat.update', 1, 1);
    sink = createSlackProgressSink({ slack: client(standin.apiUrl), tuning: { minIntervalMs: 20 }, observe: reports.observe });
    const job = jobUpdates();
    const deploy = handlersWith({
      deploy: async (ctx) => {
        ctx.onEvent(BURST[0]!);
        await reports.waitFor((r) => r.result === 'retry' && r.reason === 'rate-limited');
        for (const event of BURST.slice(1)) ctx.onEvent(event);
        return { outcome: 'released', message: FINAL_MESSAGE };
      },
    });
    const deps = { handlers: deploy, locks: new MemoryLocks(), progress: sink, lock: { ttlMs: 5_000, waitMs: 5_000, pollMs: 10 }, clock: systemClock };
    await runJob(deps, { jobId: '42', data: job.job, attempt: 1, maxAttempts: 1 });
    const jobDoneAt = Date.now();
    const limited = await reports.waitFor((r) => r.result === 'retry');
    expect(limited).toMatchObject({ lane: 'status', reason: 'rate-limited', retryInMs: 1000 });
    // The job ended while the edit still waited out its Retry-After.
    expect(ok(standin.callsOf('chat.update'))).toHaveLength(0);

    await sink.flush();
    const calls = standin.callsOf('chat.update');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(calls[1]!.at).toBeGreaterThanOrEqual(jobDoneAt);
    expect(calls[1]!.args['text']).toBe(`deploy mary@feature-x to dev3: ${FINAL_MESSAGE}`);
  });

  it('Slack down when the final state is due: retried with backoff until it is back, then delivered', async () => {
    const gate = await new TcpGate(Number(new URL(standin.apiUrl).port)).open();
    const clock = new ManualClock();
    sink = createSlackProgressSink({ slack: client(`${gate.url}/api/`), clock, random: () => 0.5, observe: reports.observe });
    const job = jobUpdates();
    try {
      sink(job.started);
      await reports.waitFor(statusSent);
      await gate.close();
      sink(job.event(BURST[0]!));
      sink(job.completed);
      await clock.advance(1_000);
      expect(await reports.waitFor(retried)).toMatchObject({ lane: 'status', reason: 'failed', code: 'slack_webapi_request_error', retryInMs: 1_000 });
      await clock.advance(1_000);
      expect(await reports.waitFor(retried, 2)).toMatchObject({ retryInMs: 2_000 });
      await clock.advance(2_000);
      expect(await reports.waitFor(retried, 3)).toMatchObject({ retryInMs: 4_000 });
      expect(ok(standin.callsOf('chat.update'))).toHaveLength(0);

      await gate.open();
      await clock.advance(4_000);
      await sink.flush();
      const updates = ok(standin.callsOf('chat.update'));
      expect(updates).toHaveLength(1);
      expect(updates[0]!.args['text']).toBe(`deploy mary@feature-x to dev3: ${FINAL_MESSAGE}`);
    } finally {
      await gate.close();
    }
  });

  it('a call Slack refuses (invalid_auth) is dropped, not retried; flush() resolves', async () => {
    const refused = new webApi.WebClient('xoxp-wrong-kind', { slackApiUrl: standin.apiUrl, ...NOTIFIER_CLIENT_OPTIONS, logLevel: LogLevel.ERROR });
    sink = createSlackProgressSink({ slack: refused, observe: reports.observe });
    const job = jobUpdates();
    sink(job.started);
    sink(job.completed);
    await sink.flush();
    expect(reports.list.filter((r) => r.lane === 'status')).toEqual([
      { jobId: '42', lane: 'status', result: 'dropped', code: 'invalid_auth' },
      { jobId: '42', lane: 'status', result: 'dropped', code: 'invalid_auth' },
    ]);
    expect(standin.callsOf('chat.postMessage')).toHaveLength(2);
  });

  it('Slack down for good: gives up after the bounded time, and flush() resolves', async () => {
    const gate = await new TcpGate(Number(new URL(standin.apiUrl).port)).open();
    const clock = new ManualClock();
    sink = createSlackProgressSink({ slack: client(`${gate.url}/api/`), clock, random: () => 0.5, observe: reports.observe, tuning: { giveUpAfterMs: 5 * 60_000 } });
    const job = jobUpdates();
    sink(job.started);
    await reports.waitFor(statusSent);
    await gate.close();
    sink(job.completed);
    const done = (r: { result: string }) => r.result === 'retry' || r.result === 'gave-up';
    for (let n = 1; reports.count((r) => r.result === 'gave-up') === 0; n += 1) {
      await clock.advance(60_000);
      await reports.waitFor(done, n);
    }
    await sink.flush();
    expect(reports.list.at(-1)).toMatchObject({ lane: 'status', result: 'gave-up', code: 'slack_webapi_request_error' });
    expect(clock.now() - Date.parse('2024-05-01T10:00:00.000Z')).toBeLessThanOrEqual(7 * 60_000);
  });
});
