import { describe, expect, it } from 'vitest';
import { cronProblem } from '../../../src/core/config/cron.js';
import { parseCronfile } from '../../../src/core/render/cronfile.js';

describe('cronProblem: the one schedule check of config files and Cronfiles', () => {
  it('accepts five-field schedules and the macros Kubernetes and cron-parser both know', () => {
    for (const s of ['*/5 * * * *', '0 3 * * 1-5', ' 0 0 1 1 * ', '@daily', '@hourly', '@weekly', '@monthly', '@yearly', '@annually']) {
      expect(cronProblem(s), s).toBeUndefined();
    }
  });

  it('refuses seconds, @reboot, L, W and #; takes the macros Kubernetes knows', () => {
    expect(cronProblem('*/5 * * *')).toBe('expected five fields (minute hour day month weekday), got 4');
    expect(cronProblem('0 0 0 * * *')).toBe('expected five fields (minute hour day month weekday), got 6');
    expect(cronProblem('@reboot')).toMatch(/^unknown schedule @reboot \(use @yearly/);
    expect(cronProblem('@midnight')).toBeUndefined();
    for (const s of ['0 0 L * *', '0 0 15W * *', '0 0 * * 5#3', '0 0 LW * *', '0 0 * * 5L']) {
      expect(cronProblem(s), s).toBe('L, W and # are not supported by Kubernetes CronJobs');
    }
    expect(cronProblem('61 * * * *')).toMatch(/61/);
  });

  it('gives the same answer from its cache', () => {
    const first = cronProblem('99 * * * *');
    expect(first).toBeDefined();
    expect(cronProblem('99 * * * *')).toBe(first);
    expect(cronProblem('0 1 * * *')).toBeUndefined();
    expect(cronProblem('0 1 * * *')).toBeUndefined();
  });

  it('is what the Cronfile reader uses', () => {
    expect(() => parseCronfile('0 0 * * 5#3 node a.js')).toThrow(/invalid schedule "0 0 \* \* 5#3": L, W and # are not supported/);
    expect(parseCronfile('@midnight node a.js')[0]).toMatchObject({ schedule: '@midnight', command: 'node a.js' });
    expect(() => parseCronfile('@reboot node a.js')).toThrow(/unknown schedule @reboot/);
  });
});
