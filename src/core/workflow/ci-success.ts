// A CI success taken through the branch workflow (workflow-settings.ts): tag the commit, have
// its image built, move the branches that follow, each a stage of the job's progress. Told twice
// it does nothing twice: a delivery done is recorded (CiDeliveries) and answered from there, and
// each step is itself idempotent (a tag or a branch already there is left alone), so a run cut
// short is finished by the next. A branch that cannot move stops only its own step.
import { appsOf, appConfig, type ConfigTree } from '../config/index.js';
import { workflowOf, type WorkflowStep } from '../config/workflow-settings.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { AppBranches, BranchMove } from '../ports/app-branches.js';
import { describeMove } from './describe-move.js';
import type { CiDeliveries, CiDelivery } from '../ports/ci-deliveries.js';
import { NO_IMAGE_BUILDS, type ImageBuildOutcome } from '../ports/image-builds.js';
import { ciLockKey } from '../ports/locks.js';
import { Stage } from '../release/events.js';
import { whileKeyLocked } from '../release/locked.js';
import type { ReleaseContext, ReleaseDeps } from '../release/release-deps.js';
import type { CiSuccessJob } from '../jobs/job-schema.js';

/** `builds` absent: no builder configured (NO_IMAGE_BUILDS). */
export type CiSuccessDeps = Pick<ReleaseDeps, 'config' | 'locks' | 'wallClock' | 'tuning' | 'builds'> & WorkflowPorts;

/** What the branch workflow needs beside a release's dependencies. */
export interface WorkflowPorts {
  branches: AppBranches;
  deliveries: CiDeliveries;
}

export { describeMove };

export type CiSuccessInput = Omit<CiSuccessJob, 'kind' | 'user' | 'origin'>;

export const CiOutcome = {
  /** Every step done. */
  Done: 'workflow-done',
  /** Done before (CiDeliveries): nothing run. */
  AlreadyDone: 'already-done',
  /** The branch has no step in the workflow. */
  NoStep: 'no-workflow-step',
  /** A branch could not move (or the build failed): the others went on. */
  Failed: 'failed',
} as const;
export type CiOutcome = (typeof CiOutcome)[keyof typeof CiOutcome];

export interface CiSuccessResult {
  outcome: CiOutcome;
  message: string;
  app: string;
  branch: string;
  sha: string;
  /** The app's git origin, as configured. */
  origin?: string;
  tag?: { name: string; state: 'created' | 'exists' };
  image?: ImageBuildOutcome;
  moves: BranchMove[];
  /** The delivery done before, for AlreadyDone. */
  earlier?: CiDelivery;
}

/** `ci-20261202-1a2b3c4`: the date of the first CI success of the commit (UTC) and its short sha. */
export function ciTagName(sha: string, at: Date): string {
  return `ci-${at.toISOString().slice(0, 10).replaceAll('-', '')}-${sha.slice(0, 7)}`;
}
const CI_TAG = /^ci-\d{8}-[0-9a-f]{7}$/;

/** The app's git origin: its merged config in the first environment that has the app, roots first. */
export function appOrigin(tree: ConfigTree, app: string): string {
  const envs = [...tree.environments.values()].sort((a, b) => Number(a.parent !== undefined) - Number(b.parent !== undefined));
  const env = envs.find((node) => appsOf(tree, node.name).includes(app));
  if (!env) throw new NestorError(ErrorCode.BadInput, `unknown app ${app}: no environment of the nestor-config has apps/${app}.yaml`);
  const origin = appConfig(tree, app, env.name).config.git?.origin;
  if (!origin) throw new NestorError(ErrorCode.BadInput, `${app} has no git.origin in its config (${env.name}): no repository to move branches in`);
  return origin;
}

/** Within the app's workflow lock (`ci:<app>`): the job's runner holds it already, the CLI takes it here. */
export function ciSuccess(deps: CiSuccessDeps, ctx: ReleaseContext, input: CiSuccessInput): Promise<CiSuccessResult> {
  const operation = `CI success of ${input.app}@${input.branch} (${input.sha.slice(0, 7)})`;
  return whileKeyLocked(deps, ctx, ciLockKey(input.app), `the branch workflow of ${input.app}`, operation, () => run(deps, ctx, input));
}

async function run(deps: CiSuccessDeps, ctx: ReleaseContext, input: CiSuccessInput): Promise<CiSuccessResult> {
  const { app, branch, sha } = input;
  const base = { app, branch, sha, moves: [] as BranchMove[] };
  const earlier = await deps.deliveries.find(app, branch, sha);
  if (earlier) {
    return { ...base, outcome: CiOutcome.AlreadyDone, earlier, message: `CI success of ${app}@${branch} (${sha.slice(0, 7)}) was taken through the workflow already by job ${earlier.jobId}: ${earlier.summary}` };
  }
  const { tree } = await deps.config.load();
  const step = workflowOf(tree).get(branch);
  if (!step) {
    ctx.onEvent({ type: 'warning', message: `the workflow has no step for ${branch}: nothing to do` });
    return { ...base, outcome: CiOutcome.NoStep, message: `no workflow step for ${branch}: CI success of ${app}@${branch} (${sha.slice(0, 7)}) changes nothing` };
  }
  const origin = appOrigin(tree, app);
  const result: CiSuccessResult = { ...base, origin, outcome: CiOutcome.Done, message: '' };
  await tagStep(deps, ctx, step, result);
  await buildStep(deps, ctx, step, result);
  await moveStep(deps, ctx, step, result);
  const refused = result.moves.filter((m) => m.state === 'refused').map((m) => m.branch);
  const summary = summarize(result);
  if (refused.length > 0 || result.outcome === CiOutcome.Failed) {
    return { ...result, outcome: CiOutcome.Failed, message: `CI success of ${app}@${branch} (${sha.slice(0, 7)}): ${summary}` };
  }
  await deps.deliveries.record({ app, branch, sha, jobId: ctx.jobId, at: new Date(deps.wallClock.now()).toISOString(), summary });
  return { ...result, message: `CI success of ${app}@${branch} (${sha.slice(0, 7)}): ${summary}` };
}

async function tagStep(deps: CiSuccessDeps, ctx: ReleaseContext, step: WorkflowStep, result: CiSuccessResult): Promise<void> {
  if (!step.tag) return ctx.onEvent({ type: 'stage', stage: Stage.Tag, status: 'skipped', message: `no tag on ${result.branch}` });
  ctx.onEvent({ type: 'stage', stage: Stage.Tag, status: 'started' });
  const origin = result.origin!;
  const existing = (await deps.branches.tagsAt(origin, result.sha)).find((name) => CI_TAG.test(name));
  const name = existing ?? ciTagName(result.sha, new Date(deps.wallClock.now()));
  const state = existing ? 'exists' : await deps.branches.tag(origin, name, result.sha);
  result.tag = { name, state };
  ctx.onEvent({ type: 'stage', stage: Stage.Tag, status: 'finished', message: state === 'created' ? `tagged ${name}` : `${name} exists` });
}

async function buildStep(deps: CiSuccessDeps, ctx: ReleaseContext, step: WorkflowStep, result: CiSuccessResult): Promise<void> {
  if (!step.build) return ctx.onEvent({ type: 'stage', stage: Stage.Image, status: 'skipped', message: `no build on ${result.branch}` });
  ctx.onEvent({ type: 'stage', stage: Stage.Image, status: 'started' });
  try {
    const image = await (deps.builds ?? NO_IMAGE_BUILDS).ensure(result.app, result.sha, {
      onProgress: (line) => ctx.onEvent({ type: 'stage', stage: Stage.Image, status: 'started', message: line }),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    result.image = image;
    const message = image.state === 'not-configured' ? image.reason : image.state === 'exists' ? `${image.image} exists` : `${image.image} built`;
    ctx.onEvent({ type: 'stage', stage: Stage.Image, status: image.state === 'not-configured' ? 'skipped' : 'finished', message });
  } catch (error) {
    // A build that failed fails this delivery (retried by the next CI success or by hand); the branches still move.
    if (!(error instanceof NestorError) || error.retryable) throw error;
    result.outcome = CiOutcome.Failed;
    ctx.onEvent({ type: 'stage', stage: Stage.Image, status: 'failed', message: error.userMessage });
  }
}

async function moveStep(deps: CiSuccessDeps, ctx: ReleaseContext, step: WorkflowStep, result: CiSuccessResult): Promise<void> {
  if (step.moves.length === 0) return ctx.onEvent({ type: 'stage', stage: Stage.Branches, status: 'skipped', message: `${result.branch} moves no branch` });
  ctx.onEvent({ type: 'stage', stage: Stage.Branches, status: 'started' });
  for (const target of step.moves) {
    const move = await deps.branches.move(result.origin!, target, result.sha, { rebase: step.rebase });
    result.moves.push(move);
    ctx.onEvent(move.state === 'refused' ? { type: 'warning', message: describeMove(move) } : { type: 'stage', stage: Stage.Branches, status: 'started', message: describeMove(move) });
  }
  const refused = result.moves.filter((m) => m.state === 'refused');
  ctx.onEvent({ type: 'stage', stage: Stage.Branches, status: refused.length > 0 ? 'failed' : 'finished', message: result.moves.map(describeMove).join('; ') });
}

function summarize(result: CiSuccessResult): string {
  const parts: string[] = [];
  if (result.tag) parts.push(result.tag.state === 'created' ? `tagged ${result.tag.name}` : `${result.tag.name} exists`);
  if (result.image) parts.push(result.image.state === 'not-configured' ? 'no image build configured' : `image ${result.image.state === 'built' ? 'built' : 'exists'}`);
  else if (result.outcome === CiOutcome.Failed) parts.push('image build failed');
  parts.push(...result.moves.map(describeMove));
  return parts.length > 0 ? parts.join(', ') : 'nothing to do';
}
