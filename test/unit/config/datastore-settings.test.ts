import { describe, expect, it } from 'vitest';
import { loadConfigTree } from '../../../src/core/config/index.js';
import { datastoresOf, nightlyResets } from '../../../src/core/config/datastore-settings.js';
import { snapshotSettings } from '../../../src/core/config/snapshot-settings.js';
import { BASE_PROJECT, files, problemsOf } from '../../support/config-fixtures.js';

const child = (env: string, parent: string, ...lines: string[]) => ({ [`${env}/project.yaml`]: [`env: ${env}`, `parent: ${parent}`, ...lines] });

describe('datastores:', () => {
  it('are inherited from project.yaml and app files (an app file owns its datastores), a child changing one key, the closer environment winning', () => {
    const tree = loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, 'datastores:', '  cache: { kind: redis, connection: $PROD_CACHE_URL, reset: forbidden }', 'datastore_snapshots: { keep: 3 }'],
      'production/apps/mary.yaml': ['datastores:', '  main: { kind: postgresql, connection: { secret: mary-db, key: url }, source: staging, scale_down: true }'],
      ...child('staging', 'production', 'datastores:', '  cache: { connection: $STAGING_CACHE_URL, reset: allowed }', '  main: { connection: $STAGING_MAIN }',
        'schedules:', '  nightly: { kind: datastore-nightly, cron: "0 3 * * *" }'),
      ...child('dev3', 'staging', 'datastores:', '  main: { reset_nightly: true }', '  cache: null', 'schedules:', '  nightly: null'),
    }));
    expect(datastoresOf(tree, 'dev3')).toEqual([{
      env: 'dev3', name: 'main', kind: 'postgresql', connection: { setting: 'STAGING_MAIN' }, connectionFrom: 'staging', source: 'staging',
      resetAllowed: true, allowInProduction: false, resetNightly: true, scaleDown: true, app: 'mary',
    }]);
    expect(datastoresOf(tree, 'staging').map((d) => [d.name, d.connection, d.resetAllowed])).toEqual([
      ['cache', { setting: 'STAGING_CACHE_URL' }, true],
      ['main', { setting: 'STAGING_MAIN' }, true],
    ]);
    expect(datastoresOf(tree, 'production').find((d) => d.name === 'cache')?.resetAllowed).toBe(false);
    expect(nightlyResets(tree, 'staging').map((d) => `${d.env}/${d.name}`)).toEqual(['dev3/main']);
    expect(snapshotSettings(tree, 'dev3')).toEqual({ location: { folder: 'snapshots' }, keep: 3 });
  });

  it('refuses a literal connection without repeating it, and reports what is missing or unknown with file:line:col', () => {
    const tree = files({
      'production/project.yaml': [...BASE_PROJECT, 'datastores:', '  main: { kind: postgresql, connection: "postgres://app:hunter2@db:5432/app" }'],
      'production/apps/mary.yaml': ['datastores:', '  orders: { kind: redis, connection: $ORDERS_URL, app: marry }', '  export: { kind: kubernetes-job, job: { image: tools:1 } }'],
      ...child('staging', 'production', 'datastores:', '  main: { connection: $STAGING_DB, source: stagin }', '  lost: { source: staging }',
        '  cold: { kind: redis, connection: $COLD, reset: forbidden, reset_nightly: true }'),
      ...child('dev3', 'staging', 'schedules:', '  nightly: { kind: datastore-nightly, cron: "0 3 * * *" }'),
    });
    const problems = problemsOf(() => loadConfigTree(tree));
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems).toEqual([
      'dev3/project.yaml:4:3: schedules.nightly: schedule "nightly" is a datastore-nightly but no datastore comes from dev3 with reset_nightly: true',
      'production/apps/mary.yaml:2:51: datastores.orders.app: unknown app "marry" (did you mean "mary"?)',
      'production/apps/mary.yaml:3:3: datastores.export: datastore "export" has no job.snapshot_command nor job.restore_command (set it here or in an ancestor\'s file)',
      'production/project.yaml:9:29: datastores.main.connection: a literal connection is refused (an address or password does not belong in git): name a setting ($NAME) or a Secret ({ secret: NAME, key: KEY })',
      'staging/project.yaml:4:36: datastores.main.source: unknown environment "stagin" (did you mean "staging"?)',
      'staging/project.yaml:5:3: datastores.lost: datastore "lost" has no kind (set it here or in an ancestor\'s file)',
      'staging/project.yaml:6:61: datastores.cold.reset_nightly: datastore "cold" resets nightly but its reset is forbidden',
    ]);
  });
});
