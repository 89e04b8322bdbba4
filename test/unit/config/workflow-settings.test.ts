import { describe, expect, it } from 'vitest';
import { loadConfigTree } from '../../../src/core/config/index.js';
import { workflowOf } from '../../../src/core/config/workflow-settings.js';
import { BASE_PROJECT, exampleConfigFiles, files, problemsOf } from '../../support/config-fixtures.js';

const child = (env: string, ...lines: string[]) => ({ [`${env}/project.yaml`]: [`env: ${env}`, 'parent: production', ...lines] });

describe('workflow', () => {
  it("is the original system's when none is set: master tags, builds and moves greenlight; greenlight moves terminator, staging and shadow", async () => {
    const workflow = workflowOf(loadConfigTree(await exampleConfigFiles()));
    expect(Object.fromEntries(workflow)).toEqual({
      master: { tag: true, build: true, moves: ['greenlight'], rebase: false },
      greenlight: { tag: false, build: false, moves: ['terminator', 'staging', 'shadow'], rebase: false },
    });
  });

  it("is the root environment's when set (replacing the default; a branch set to null has no step), and none with workflow: null", () => {
    const tree = loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, 'workflow:', '  main: { tag: true, moves: [qa], rebase: true }', '  qa: null'],
      ...child('staging'),
    }));
    expect(Object.fromEntries(workflowOf(tree))).toEqual({ main: { tag: true, build: false, moves: ['qa'], rebase: true } });
    expect(workflowOf(loadConfigTree(files({ 'production/project.yaml': [...BASE_PROJECT, 'workflow: null'] }))).size).toBe(0);
  });

  it('reports a workflow set below the root, a step moving its own branch and a misspelt key, with file:line:col', () => {
    const tree = files({
      'production/project.yaml': [...BASE_PROJECT, 'workflow:', '  master: { moves: [greenlight, master] }', '  greenlight: { mvoes: [staging] }'],
      ...child('staging', 'workflow: { master: { tag: true } }'),
    });
    expect(problemsOf(() => loadConfigTree(tree))).toEqual([
      "production/project.yaml:9:33: workflow.master.moves.1: a CI success on master can't move master itself",
      'production/project.yaml:10:17: workflow.greenlight.mvoes: unknown key "mvoes" (did you mean "moves"?)',
      "staging/project.yaml:3:1: workflow: the branch workflow is the whole project's: set it in the root environment's project.yaml (production), not in staging",
    ]);
  });
});
