// Where a followed log resumes: by the time of the last line seen, the lines of that time that
// were told skipped by count; times compared to the nanosecond whatever their written precision.
import { describe, expect, it } from 'vitest';
import { LogCursor, timeKey } from '../../../src/core/release/pod-log-follower.js';
import type { PodLogLine } from '../../../src/core/ports/cluster.js';

const taken = (cursor: LogCursor, lines: PodLogLine[]): string[] => lines.filter((l) => cursor.take(l)).map((l) => l.text);

describe('timeKey', () => {
  it('orders RFC 3339 times to the nanosecond, whatever their fraction digits', () => {
    expect(timeKey('2026-12-02T14:41:19.1234Z')! < timeKey('2026-12-02T14:41:19.12345Z')!).toBe(true);
    expect(timeKey('2026-12-02T14:41:19Z')).toBe(timeKey('2026-12-02T14:41:19.000000000Z'));
    expect(timeKey('2026-12-02T15:41:19.5+01:00')).toBe(timeKey('2026-12-02T14:41:19.500Z'));
    expect(timeKey('yesterday')).toBeUndefined();
  });
});

describe('LogCursor', () => {
  it('tells each line once across a resumed read that starts again at the last time seen', () => {
    const cursor = new LogCursor();
    cursor.restart();
    const first = [{ at: '2026-12-02T14:00:00.1Z', text: 'a' }, { at: '2026-12-02T14:00:00.2Z', text: 'b' }, { at: '2026-12-02T14:00:00.2Z', text: 'c' }];
    expect(taken(cursor, first)).toEqual(['a', 'b', 'c']);
    expect(cursor.since).toBe('2026-12-02T14:00:00.2Z');

    cursor.restart();
    // The server may answer from an earlier time (a sinceTime cut to the second): those lines are old too.
    const again = [...first, { at: '2026-12-02T14:00:00.2Z', text: 'd' }, { at: '2026-12-02T14:00:01Z', text: 'e' }];
    expect(taken(cursor, again)).toEqual(['d', 'e']);

    cursor.restart();
    expect(taken(cursor, [{ at: '2026-12-02T14:00:01Z', text: 'e' }, { at: '2026-12-02T14:00:01Z', text: 'e' }])).toEqual(['e']);
  });

  it('tells lines without a time as they come', () => {
    const cursor = new LogCursor();
    cursor.restart();
    expect(taken(cursor, [{ text: 'plain' }, { text: 'plain' }])).toEqual(['plain', 'plain']);
    expect(cursor.since).toBeUndefined();
  });
});
