import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { cronName, parseCronfile } from '../../../src/core/render/cronfile.js';
import { parseProcfile } from '../../../src/core/render/procfile.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('parseProcfile', () => {
  it('reads process types in order, skipping comments and blank lines', () => {
    expect(parseProcfile('# mary\nweb: node server.js --port $PORT\n\nworker:node worker.js\r\n')).toEqual({
      web: 'node server.js --port $PORT',
      worker: 'node worker.js',
    });
  });

  it('reports every bad line with file:line', () => {
    const text = 'web: node a.js\nno colon here\nWeb_2: x\nworker:\nweb: node b.js\n';
    expect(problemsOf(() => parseProcfile(text, 'mary/Procfile'))).toEqual([
      'mary/Procfile:2: expected `name: command`',
      'mary/Procfile:3: process name "Web_2" must be lowercase letters, digits and dashes (at most 40)',
      'mary/Procfile:4: process worker has no command',
      'mary/Procfile:5: process web is declared twice',
    ]);
  });
});

describe('parseCronfile', () => {
  it('reads schedules and commands and names each job from its command', () => {
    const text = '*/5 * * * * node jobs/purge.js\n# comment\n0 3 * * 1 npm run report -- --weekly\n@daily node jobs/purge.js\n';
    expect(parseCronfile(text)).toEqual([
      { name: 'purge', schedule: '*/5 * * * *', command: 'node jobs/purge.js', line: 1 },
      { name: 'report-weekly', schedule: '0 3 * * 1', command: 'npm run report -- --weekly', line: 3 },
      { name: 'purge-2', schedule: '@daily', command: 'node jobs/purge.js', line: 4 },
    ]);
  });

  it('reports bad lines with file:line, checked by cron-parser', () => {
    const text = ['61 * * * * node a.js', '* * * * node a.js', '0 0 * * * * node a.js', '@reboot node a.js', '* * * * *', '0 0 L * * node a.js'].join('\n');
    const problems = problemsOf(() => parseCronfile(text, 'mary/Cronfile'));
    expect(problems).toHaveLength(6);
    expect(problems[0]).toMatch(/^mary\/Cronfile:1: invalid schedule "61 \* \* \* \*"/);
    expect(problems[1]).toMatch(/^mary\/Cronfile:2: invalid schedule/);
    expect(problems[2]).toBe('mary/Cronfile:3: the schedule has more than 5 fields (Kubernetes CronJobs have no seconds field)');
    expect(problems[3]).toMatch(/^mary\/Cronfile:4: unknown schedule @reboot/);
    expect(problems[4]).toMatch(/^mary\/Cronfile:5: expected/);
    expect(problems[5]).toMatch(/^mary\/Cronfile:6: .*L, W and # are not supported/);
  });

  it('derives DNS-safe names', () => {
    expect(cronName('python manage.py clearsessions')).toBe('manage-clearsessions');
    expect(cronName('./bin/Do_Thing.sh')).toBe('do-thing');
    expect(cronName('123')).toBe('cron-123');
  });
});
