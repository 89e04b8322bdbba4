// A config change merges the app's other layers once and its own file on top, for the current
// and the edited file: the result must be the merge of the whole tree, for every app everywhere.
import { describe, expect, it } from 'vitest';
import { appConfigBase, appConfigWith } from '../../../src/core/config/app-config.js';
import { appConfig, appsOf, loadConfigTree } from '../../../src/core/config/index.js';
import { treeWithFile } from '../../../src/core/release/config-change-steps.js';
import { ConfigError } from '../../../src/core/errors.js';
import { exampleConfigFiles } from '../../support/config-fixtures.js';

describe('an app config merged onto its base', () => {
  it('is the merge of every layer, for every app in every environment of the example config', async () => {
    const tree = loadConfigTree(await exampleConfigFiles());
    for (const env of tree.environments.keys()) {
      for (const app of appsOf(tree, env)) expect(appConfigWith(appConfigBase(tree, app, env), tree.environments.get(env)?.apps.get(app))).toEqual(appConfig(tree, app, env));
    }
  });

  it('with an edited or a new app file, is the merge of the tree holding that file; the base is left as it was', async () => {
    const tree = loadConfigTree(await exampleConfigFiles());
    const edits: Array<[string, string, string]> = [
      ['mary', 'dev3', 'scales: { web: { minReplicas: 2, maxReplicas: 3 } }\nvariables: { app: { LOG_LEVEL: null, FOO: bar } }\n'],
      ['pricing', 'dev1', 'variables: { app: { FOO: bar } }\n'],
    ];
    for (const [app, env, text] of edits) {
      const base = appConfigBase(tree, app, env);
      const inherited = structuredClone(base.inherited);
      const edited = treeWithFile(tree, `${env}/apps/${app}.yaml`, text);
      expect(appConfigWith(base, edited.environments.get(env)?.apps.get(app))).toEqual(appConfig(edited, app, env));
      expect(base.inherited).toEqual(inherited);
    }
  });

  it('treeWithFile checks the new file as a load does, and leaves the tree it was given as it was', async () => {
    const tree = loadConfigTree(await exampleConfigFiles());
    const before = tree.environments.get('dev3')?.apps.get('mary');
    expect(() => treeWithFile(tree, 'dev3/apps/mary.yaml', 'app: paul\n')).toThrow(ConfigError);
    expect(() => treeWithFile(tree, 'dev3/apps/mary.yaml', 'scales: [1]\n')).toThrow(ConfigError);
    treeWithFile(tree, 'dev3/apps/mary.yaml', 'variables: { app: { FOO: bar } }\n');
    expect(tree.environments.get('dev3')?.apps.get('mary')).toBe(before);
  });
});
