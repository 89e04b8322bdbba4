// The branch workflow: what a CI success on a branch does to an app's repository (tag the
// commit, build its image, move other branches to it). One workflow for the whole project, set
// under `workflow:` in the root environment's project.yaml (every environment inherits it); the
// original system's when none is set. Environments follow the branches it moves with
// `release.tracks`.
import type { ConfigProblem } from '../errors.js';
import type { ParsedFile } from './config-file.js';
import type { ConfigTree } from './config-tree.js';
import { problemAt } from './sync-settings.js';
import type { ProjectFileConfig, WorkflowStepConfig } from './schema.js';

export interface WorkflowStep {
  tag: boolean;
  build: boolean;
  /** Branches moved to the commit, in order. */
  moves: string[];
  /** A moved branch with commits of its own is rebased onto the commit (with a lease on what was read) rather than left. */
  rebase: boolean;
}

/** By branch: the step a CI success on that branch runs. */
export type Workflow = ReadonlyMap<string, WorkflowStep>;

/** CI success on master: tag, build, greenlight follows; on greenlight (its end-to-end tests): terminator, staging and shadow follow. */
export const DEFAULT_WORKFLOW: Readonly<Record<string, WorkflowStepConfig>> = {
  master: { tag: true, build: true, moves: ['greenlight'] },
  greenlight: { moves: ['terminator', 'staging', 'shadow'] },
};

const rootsOf = (tree: ConfigTree) => [...tree.environments.values()].filter((node) => node.parent === undefined);
const declares = (file: ParsedFile): boolean => (file.data as ProjectFileConfig).workflow !== undefined;

/** The project's workflow: the first root environment's `workflow:` (null: none), else DEFAULT_WORKFLOW. */
export function workflowOf(tree: ConfigTree): Workflow {
  const declared = rootsOf(tree).map((node) => node.project).find(declares);
  const steps = declared ? (declared.data as ProjectFileConfig).workflow ?? {} : DEFAULT_WORKFLOW;
  const workflow = new Map<string, WorkflowStep>();
  for (const [branch, step] of Object.entries(steps)) {
    if (!step) continue;
    workflow.set(branch, { tag: step.tag ?? false, build: step.build ?? false, moves: step.moves ?? [], rebase: step.rebase ?? false });
  }
  return workflow;
}

/** `workflow:` only in a root environment (one of them), and no step moving its own branch. */
export function workflowProblems(tree: ConfigTree): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const roots = rootsOf(tree);
  const rootNames = roots.map((node) => node.name).join(', ');
  for (const node of tree.environments.values()) {
    if (node.parent !== undefined && declares(node.project)) {
      problems.push(problemAt(node.project, ['workflow'], `the branch workflow is the whole project's: set it in the root environment's project.yaml (${rootNames}), not in ${node.name}`));
    }
  }
  const declaring = roots.map((node) => node.project).filter(declares);
  for (const extra of declaring.slice(1)) {
    problems.push(problemAt(extra, ['workflow'], `the branch workflow is set in ${declaring[0]!.file.path} already: set it in one root environment`));
  }
  const own = declaring[0];
  for (const [branch, step] of Object.entries((own?.data as ProjectFileConfig | undefined)?.workflow ?? {})) {
    const at = step?.moves?.indexOf(branch) ?? -1;
    if (own && at >= 0) problems.push(problemAt(own, ['workflow', branch, 'moves', String(at)], `a CI success on ${branch} can't move ${branch} itself`));
  }
  return problems;
}

/** Where CI successes are announced: the root environment's `slack.channels`, `error` for a failure (else `info`). */
export function workflowChannel(tree: ConfigTree, failed: boolean): string | undefined {
  const channels = rootsOf(tree).map((node) => (node.project.data as ProjectFileConfig).slack?.channels).find((c) => c !== undefined);
  return failed ? (channels?.error ?? channels?.info) : channels?.info;
}

/**
 * The branch a deploy released in `env` moves (`release.moves_branch`), read from the
 * environment's own project.yaml only: a child environment (staging, whose parent is production)
 * must not move its parent's branch by inheriting the key.
 */
export function releaseMovedBranch(tree: ConfigTree, env: string): string | undefined {
  const own = tree.environments.get(env)?.project.data as ProjectFileConfig | undefined;
  return own?.release?.moves_branch ?? undefined;
}
