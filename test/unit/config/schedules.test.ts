import { describe, expect, it } from 'vitest';
import { allSchedules, loadConfigTree } from '../../../src/core/config/index.js';
import { desiredSchedulers } from '../../../src/core/schedules/desired-schedulers.js';
import { BASE_PROJECT, exampleConfigFiles, files, problemsOf } from '../../support/config-fixtures.js';

describe('schedules in project.yaml', () => {
  it('are inherited, changed key by key and turned off with null (the example config)', async () => {
    const tree = loadConfigTree(await exampleConfigFiles());
    const byEnv = allSchedules(tree).map((s) => `${s.env}/${s.name} ${s.kind} "${s.cron}" ${s.timeZone} #${s.channel ?? ''}`);
    expect(byEnv).toEqual([
      'dev1/config-sync config-sync "15 * * * *" UTC #tech-release-dev',
      'dev1/report report "0 9 * * 1-5" Europe/Paris #tech-release-dev',
      'dev1/version-sync version-sync "45 * * * *" UTC #tech-release-dev',
      'dev2/config-sync config-sync "15 * * * *" UTC #tech-release-dev',
      'dev2/report report "0 9 * * 1-5" Europe/Paris #tech-release-dev',
      'dev2/version-sync version-sync "45 * * * *" UTC #tech-release-dev',
      'dev3/config-sync config-sync "15 * * * *" UTC #tech-release-dev',
      'dev3/report report "0 9 * * 1-5" Europe/Paris #tech-release-dev',
      'dev3/version-sync version-sync "45 * * * *" UTC #tech-release-dev',
      'staging/datastore-nightly datastore-nightly "0 3 * * *" UTC #tech-release-staging',
      'staging/staging-release staging-release "*/30 * * * *" UTC #tech-release-staging',
    ]);
    expect(desiredSchedulers(tree).map((d) => d.id)).toContain('nestor:staging:staging-release');
  });

  it('a child changes one key of an inherited schedule; macros are written out for the queue', () => {
    const tree = loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, 'schedules:', '  report: { kind: report, cron: "@midnight", channel: ops }'],
      'dev/project.yaml': ['parent: production', 'schedules:', '  report: { time_zone: Asia/Tokyo }'],
    }));
    expect(allSchedules(tree).filter((s) => s.env === 'dev')).toEqual([
      { env: 'dev', name: 'report', kind: 'report', cron: '@midnight', timeZone: 'Asia/Tokyo', channel: 'ops' },
    ]);
    expect(desiredSchedulers(tree).find((d) => d.env === 'dev')?.pattern).toBe('0 0 * * *');
  });

  it('reports every mistake with file:line:col, with a did-you-mean for kinds, keys and time zones', () => {
    const tree = files({
      'production/project.yaml': [
        ...BASE_PROJECT,
        'schedules:',
        '  release: { kind: stagin-release, cron: "*/30 * * *" }',
        '  report: { kind: report, cron: "0 9 * * *", time_zone: Europe/Pari }',
        '  Sync: { kind: report, cron: "0 * * * *", chanel: x }',
        '  half: { time_zone: UTC }',
      ],
    });
    expect(problemsOf(() => loadConfigTree(tree))).toEqual([
      'production/project.yaml:9:20: schedules.release.kind: expected a schedule kind: staging-release, version-sync, config-sync, report, datastore-nightly, got "stagin-release" (did you mean "staging-release"?)',
      'production/project.yaml:9:42: schedules.release.cron: invalid cron expression "*/30 * * *": expected five fields (minute hour day month weekday), got 4',
      'production/project.yaml:10:57: schedules.report.time_zone: unknown time zone "Europe/Pari" (did you mean "Europe/Paris"?): expected an IANA name such as Europe/Paris or UTC',
      'production/project.yaml:11:3: schedules.Sync: invalid name "Sync": expected a schedule name (lowercase letters, digits and -)',
      'production/project.yaml:11:44: schedules.Sync.chanel: unknown key "chanel" (did you mean "channel"?)',
      'production/project.yaml:12:3: schedules.half: schedule "half" has no kind nor cron (set it here or in an ancestor\'s project.yaml)',
    ]);
  });

  it('requires kind and cron of the merge, placed where the schedule is declared', () => {
    const tree = files({
      'production/project.yaml': [...BASE_PROJECT, 'schedules:', '  nightly: { kind: report }'],
      'dev/project.yaml': ['parent: production', 'schedules:', '  nightly: { cron: "0 1 * * *" }', '  sync: { time_zone: UTC }'],
    });
    expect(problemsOf(() => loadConfigTree(tree))).toEqual([
      'dev/project.yaml:4:3: schedules.sync: schedule "sync" has no kind nor cron (set it here or in an ancestor\'s project.yaml)',
      'production/project.yaml:9:3: schedules.nightly: schedule "nightly" has no cron (set it here or in an ancestor\'s project.yaml)',
    ]);
  });
});
