import { describe, expect, it } from 'vitest';
import { loadConfigTree } from '../../../src/core/config/config-tree.js';
import { appTarget, checkExecAllowed, environmentClusters, execAllowed } from '../../../src/core/helpers/helper-target.js';
import { portPair, sinceSeconds } from '../../../src/core/helpers/helper-args.js';
import { BASE_PROJECT, exampleConfigFiles, files, problemsOf } from '../../support/config-fixtures.js';

describe('helper targets on the example config', async () => {
  const tree = loadConfigTree(await exampleConfigFiles());

  it("finds an environment's clusters (context, namespace) and an app's pods by their labels", () => {
    expect(environmentClusters(tree, 'dev3')).toEqual([{ cluster: 'kapten_dev_eu-w1', context: 'kapten_dev_eu-w1', namespace: 'dev3' }]);
    expect(environmentClusters(tree, 'production')[0]).toMatchObject({ context: 'kapten_production_eu-w1', namespace: 'production' });
    expect(appTarget(tree, 'mary', 'dev3', 'web').selector).toBe('app=mary,app.kubernetes.io/managed-by=nestor,nestor.io/environment=dev3,process=web');
  });

  it('names an unknown environment, app or process with what was meant', () => {
    expect(() => environmentClusters(tree, 'stagign')).toThrow('unknown environment "stagign"; did you mean "staging"?');
    expect(() => appTarget(tree, 'marry', 'dev3')).toThrow('unknown app "marry" in environment "dev3"; did you mean "mary"?');
    expect(() => appTarget(tree, 'mary', 'dev3', 'Web!')).toThrow('invalid process name "Web!"');
  });

  it('allows exec by default except where approval is needed', () => {
    expect(execAllowed(tree, 'dev3')).toBe(true);
    expect(execAllowed(tree, 'production')).toBe(false);
    expect(() => checkExecAllowed(tree, 'production')).toThrow('nestor exec is not allowed in production (it needs approval and helpers.exec is not set; set helpers: { exec: true } in production/project.yaml to allow it)');
  });
});

describe('helpers.exec', () => {
  it('is inherited, and overrides the default either way', () => {
    const tree = loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, 'approval: { approvers: [alice] }', 'helpers: { exec: true }'],
      'staging/project.yaml': ['env: staging', 'parent: production', 'approval: null'],
      'dev/project.yaml': ['env: dev', 'parent: staging', 'helpers: { exec: false }'],
    }));
    expect([execAllowed(tree, 'production'), execAllowed(tree, 'staging'), execAllowed(tree, 'dev')]).toEqual([true, true, false]);
    expect(() => checkExecAllowed(tree, 'dev')).toThrow('(helpers.exec is false;');
  });

  it('is checked where it is written', () => {
    expect(problemsOf(() => loadConfigTree(files({ 'production/project.yaml': [...BASE_PROJECT, 'helpers: { exec: yes please }'] }))))
      .toEqual(['production/project.yaml:8:18: helpers.exec: expected true or false, whether `nestor exec` may run in the apps\' pods (default: false where the environment needs approval, true elsewhere), got "yes please"']);
  });
});

describe('helper arguments', () => {
  it('reads --since as kubectl does', () => {
    expect([sinceSeconds('90s'), sinceSeconds('10m'), sinceSeconds('1h30m')]).toEqual([90, 600, 5400]);
    for (const bad of ['', '10', 'soon', '0s', '-5m']) expect(() => sinceSeconds(bad)).toThrow('expected a duration such as 90s, 10m or 1h30m');
  });

  it('reads [<local>:]<remote>', () => {
    expect([portPair('8080'), portPair('9000:8080'), portPair(':8080')]).toEqual([
      { local: 8080, remote: 8080 }, { local: 9000, remote: 8080 }, { local: 0, remote: 8080 },
    ]);
    expect(() => portPair('0')).toThrow('remote port "0"');
    expect(() => portPair('9000:70000')).toThrow('remote port "70000"');
    expect(() => portPair('a:b:c')).toThrow('expected [<local>:]<remote>');
  });
});
