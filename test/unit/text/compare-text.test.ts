import { describe, expect, it } from 'vitest';
import { compareText } from '../../../src/core/text/compare-text.js';

describe('compareText', () => {
  it('orders by code unit, whatever the locale: capitals, then punctuation before letters', () => {
    expect(['workera', 'worker-b', 'web', 'Web', 'worker'].sort(compareText)).toEqual(['Web', 'web', 'worker', 'worker-b', 'workera']);
  });

  it('orders ISO timestamps in time', () => {
    expect(['2026-12-02T10:00:00Z', '2025-01-31T23:59:59Z', '2026-12-02T09:59:59Z'].sort(compareText)).toEqual([
      '2025-01-31T23:59:59Z', '2026-12-02T09:59:59Z', '2026-12-02T10:00:00Z',
    ]);
  });

  it('says equal strings are equal', () => {
    expect(compareText('mary', 'mary')).toBe(0);
  });
});
