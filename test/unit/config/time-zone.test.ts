import { describe, expect, it } from 'vitest';
import { timeZoneProblem } from '../../../src/core/config/time-zone.js';

describe('timeZoneProblem', () => {
  it.each(['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires'])('accepts the canonical name %s', (name) => {
    expect(timeZoneProblem(name)).toBeUndefined();
  });

  it.each(['US/Pacific', 'Asia/Kolkata', 'Etc/GMT+5'])('accepts the alias %s, which Intl knows but does not list', (name) => {
    expect(Intl.supportedValuesOf('timeZone')).not.toContain(name);
    expect(timeZoneProblem(name)).toBeUndefined();
  });

  it('names a near miss', () => {
    expect(timeZoneProblem('Europe/Pari')).toBe('unknown time zone "Europe/Pari" (did you mean "Europe/Paris"?): expected an IANA name such as Europe/Paris or UTC');
  });

  it('refuses what is no time zone', () => {
    expect(timeZoneProblem('Mars/Olympus')).toMatch(/^unknown time zone "Mars\/Olympus"/);
  });
});
