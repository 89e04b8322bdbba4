// The retry helper the Kubernetes client and the registry check share: its waits (doubled, jittered
// or not, at least Retry-After, capped), its hooks, what the caller gets once attempts run out.
import { describe, expect, it } from 'vitest';
import { backoffDelay, retryAfterMs, retryTransient, statusFailureKind, type AttemptOutcome, type RetryInfo, type RetryPolicy } from '../../../src/adapters/http/transient-retry.js';
import { InstantClock } from '../../../src/testkit/fakes/time/instant-clock.js';

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({
  attempts: 4, baseDelayMs: 250, maxDelayMs: 5_000, jitter: 'full', random: () => 0.5, clock: new InstantClock(), ...over,
});

const failed = <T>(giveUp: () => T, over: { retryAfterMs?: number; discard?: () => Promise<void> } = {}): AttemptOutcome<T> =>
  ({ failed: { kind: 'server', problem: 'HTTP 503', giveUp, ...over } });

describe('transient retry', () => {
  it('doubles the wait, full jitter from the injected random, no jitter the delay itself, capped', () => {
    expect([1, 2, 3].map((n) => backoffDelay(n, policy()))).toEqual([125, 250, 500]);
    expect([1, 2, 3].map((n) => backoffDelay(n, policy({ random: () => 0 })))).toEqual([0, 0, 0]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy({ jitter: 'none', baseDelayMs: 500, maxDelayMs: 5_000 })))).toEqual([500, 1_000, 2_000, 4_000, 5_000]);
  });

  it('waits at least a Retry-After, never more than the cap', () => {
    expect(backoffDelay(1, policy(), 2_000)).toBe(2_000);
    expect(backoffDelay(3, policy({ jitter: 'none' }), 0)).toBe(1_000);
    expect(backoffDelay(1, policy(), 60_000)).toBe(5_000);
  });

  it('reads statuses and Retry-After seconds', () => {
    expect([429, 500, 501, 503, 599, 404, 200].map(statusFailureKind)).toEqual(['rate_limited', 'server', 'server', 'server', 'server', undefined, undefined]);
    expect(['2', '0', 'soon', '', '-1', null, undefined].map(retryAfterMs)).toEqual([2_000, 0, undefined, 0, undefined, undefined, undefined]);
  });

  it('tries again after each transient failure, reporting each, until an answer', async () => {
    const clock = new InstantClock();
    const retries: RetryInfo[] = [];
    const failures: number[] = [];
    let discarded = 0;
    const answers: AttemptOutcome<string>[] = [
      failed(() => 'first', { discard: async () => void discarded++ }),
      { failed: { kind: 'rate_limited', problem: 'HTTP 429', retryAfterMs: 3_000, giveUp: () => 'second' } },
      { answer: 'found' },
    ];
    const answer = await retryTransient(policy({ clock, onRetry: (info) => void retries.push(info), onFailure: (info) => void failures.push(info.attempt) }), 'HEAD /v2/x', async () => answers.shift()!);
    expect(answer).toBe('found');
    expect(clock.waits).toEqual([125, 3_000]);
    expect(retries).toEqual([
      { attempt: 1, delayMs: 125, request: 'HEAD /v2/x', problem: 'HTTP 503', kind: 'server' },
      { attempt: 2, delayMs: 3_000, request: 'HEAD /v2/x', problem: 'HTTP 429', kind: 'rate_limited' },
    ]);
    expect(failures).toEqual([1, 2]);
    expect(discarded).toBe(1);
  });

  it('gives the last failure its say once attempts run out: its answer returned or its error thrown, not discarded', async () => {
    let discarded = 0;
    const failures: number[] = [];
    const last = await retryTransient(policy({ attempts: 3, onFailure: (info) => void failures.push(info.attempt) }), 'GET /', async (n) => failed(() => `answer ${n}`, { discard: async () => void discarded++ }));
    expect(last).toBe('answer 3');
    expect(discarded).toBe(2);
    expect(failures).toEqual([1, 2, 3]);
    await expect(retryTransient(policy({ attempts: 2 }), 'GET /', async (n) => failed(() => { throw new Error(`gone after ${n}`); }))).rejects.toThrow('gone after 2');
  });

  it('does not retry an error the attempt throws, and stops when aborted while waiting', async () => {
    let calls = 0;
    await expect(retryTransient(policy(), 'GET /', async () => { calls++; throw new Error('refused'); })).rejects.toThrow('refused');
    expect(calls).toBe(1);
    const stop = new AbortController();
    const clock = { now: () => 0, sleep: async () => void stop.abort() };
    calls = 0;
    await expect(retryTransient(policy({ clock }), 'GET /', async () => { calls++; return failed(() => 'x'); }, stop.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
  });
});
