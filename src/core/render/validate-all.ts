// `nestor validate`: every file, every app in every environment merged, rendered and checked
// against the Kubernetes schemas; all problems at once.
import { appConfig, checkMerged, validateTree } from '../config/app-config.js';
import type { ConfigFile } from '../config/config-file.js';
import { appsOf, loadConfigTree } from '../config/config-tree.js';
import type { Environment } from '../config/resolve-references.js';
import { ConfigError, isNestorError, type ConfigProblem } from '../errors.js';
import { renderConfiguredApp } from './render-configured-app.js';
import type { TemplateSet } from './template-set.js';

export interface ValidationReport {
  problems: ConfigProblem[];
  environments: number;
  appEnvironments: number;
}

/** `$NAME` values need not be set to validate: a stand-in is used where they are missing. */
function lenient(environment: Environment): Environment {
  return new Proxy({}, { get: (_t, name: string) => environment[name] ?? `stand-in-for-${name}` });
}

function renderProblems(files: readonly ConfigFile[], templates: TemplateSet, environment: Environment): ValidationReport {
  const tree = loadConfigTree(files);
  const problems = validateTree(tree);
  const seen = new Map<string, { problem: ConfigProblem; count: number }>();
  let appEnvironments = 0;
  for (const env of tree.environments.keys()) {
    for (const app of appsOf(tree, env)) {
      appEnvironments++;
      if (checkMerged(appConfig(tree, app, env)).length > 0) continue;
      try {
        renderConfiguredApp({ tree, templates, app, env, version: { sha: '0000000' }, environment: lenient(environment) });
      } catch (error) {
        if (error instanceof ConfigError) {
          problems.push(...error.problems);
          continue;
        }
        if (!isNestorError(error)) throw error;
        const known = seen.get(error.message);
        if (known) known.count++;
        else seen.set(error.message, { count: 1, problem: { file: `${env}/apps/${app}.yaml`, line: 1, col: 1, keyPath: '', message: `rendering ${app} in ${env}: ${error.message}` } });
      }
    }
  }
  for (const { problem, count } of seen.values()) {
    problems.push(count > 1 ? { ...problem, message: `${problem.message} (and ${count - 1} more app-environments)` } : problem);
  }
  return { problems: dedupe(problems), environments: tree.environments.size, appEnvironments };
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const unique = new Map(problems.map((p) => [`${p.file}:${p.line}:${p.col}:${p.keyPath}:${p.message}`, p]));
  return [...unique.values()];
}

export function validateAll(files: readonly ConfigFile[], templates: TemplateSet, environment: Environment): ValidationReport {
  try {
    return renderProblems(files, templates, environment);
  } catch (error) {
    if (error instanceof ConfigError) return { problems: [...error.problems], environments: 0, appEnvironments: 0 };
    throw error;
  }
}
