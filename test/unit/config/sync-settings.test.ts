import { describe, expect, it } from 'vitest';
import { loadConfigTree } from '../../../src/core/config/index.js';
import { syncSettings } from '../../../src/core/config/sync-settings.js';
import { BASE_PROJECT, exampleConfigFiles, files, problemsOf } from '../../support/config-fixtures.js';

const child = (env: string, ...lines: string[]) => ({ [`${env}/project.yaml`]: [`env: ${env}`, 'parent: production', ...lines] });

describe('release.version_sync and release.config_sync', () => {
  it('are inherited with defaults (from staging, held 24 hours); a child turns version sync off with null', async () => {
    const example = loadConfigTree(await exampleConfigFiles());
    expect(syncSettings(example, 'dev3')).toEqual({ versionSync: { from: 'staging', holdHours: 24 }, configSync: true });
    expect(syncSettings(example, 'staging')).toEqual({ configSync: false });

    const tree = loadConfigTree(files({
      'production/project.yaml': BASE_PROJECT,
      ...child('staging'),
      ...child('dev', 'release: { version_sync: {}, config_sync: true }'),
      ...child('qa', 'release: { version_sync: { from: dev, hold_hours: 2 } }'),
    }));
    expect(syncSettings(tree, 'dev')).toEqual({ versionSync: { from: 'staging', holdHours: 24 }, configSync: true });
    expect(syncSettings(tree, 'qa')).toEqual({ versionSync: { from: 'dev', holdHours: 2 }, configSync: false });
  });

  it('reports an unknown or own source and a sync schedule where the environment does not opt in, with file:line:col', () => {
    const tree = files({
      'production/project.yaml': [...BASE_PROJECT, 'schedules:', '  sync: { kind: config-sync, cron: "15 * * * *" }'],
      ...child('staging', 'release: { config_sync: true, version_sync: { from: stagin } }'),
      ...child('dev', 'release: { version_sync: { from: dev, hold_hours: -1 } }', 'schedules:', '  follow: { kind: version-sync, cron: "0 * * * *" }'),
      ...child('qa', 'schedules:', '  follow: { kind: version-sync, cron: "0 * * * *" }', '  sync: null'),
    });
    expect(problemsOf(() => loadConfigTree(tree))).toEqual([
      "dev/project.yaml:3:28: release.version_sync.from: dev can't follow its own versions: name another environment (default: staging)",
      "dev/project.yaml:3:51: release.version_sync.hold_hours: expected a whole number of hours, how long a person's deploy holds the app at its version (default: 24), got -1",
      'production/project.yaml:9:3: schedules.sync: schedule "sync" is a config-sync but production does not opt in: set release: { config_sync: true } in production/project.yaml or an ancestor\'s',
      'production/project.yaml:9:3: schedules.sync: schedule "sync" is a config-sync but dev does not opt in: set release: { config_sync: true } in dev/project.yaml or an ancestor\'s',
      'qa/project.yaml:4:3: schedules.follow: schedule "follow" is a version-sync but qa does not opt in: set release: { version_sync: { from: staging } } in qa/project.yaml or an ancestor\'s',
      'staging/project.yaml:3:47: release.version_sync.from: unknown environment "stagin" to follow (did you mean "staging"?)',
    ]);
  });
});
