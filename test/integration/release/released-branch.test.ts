// `release.moves_branch` on real parts: the example config (production moves `production`), mary's
// real git repository, GitAppBranches as every process wires it. An approved deploy of shadow to
// production fast-forwards mary's production branch to the released commit, shown as the
// `branches` stage; a production branch with a hotfix of its own is left where it is, the release
// stays done and its notice for the error channel names the hotfix; nothing is ever forced.
import { afterAll, describe, expect, it } from 'vitest';
import { buildBranchNotice } from '../../../src/adapters/slack/notifier/index.js';
import { renderText } from '../../../src/adapters/cli/text-render.js';
import { appConfig } from '../../../src/core/config/index.js';
import { applyEvent, finishProgress, progressMessage, startProgress } from '../../../src/core/commands/replies.js';
import { deploy } from '../../../src/core/release/deploy.js';
import type { ReleaseResult } from '../../../src/core/release/release-deps.js';
import { cliOn } from '../../support/cli-run.js';
import { cleanupFixtures, commitFiles, git } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const branchAt = (branch: string) => git(f.app.dir, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`).trim();
const branchEvents = () => f.events.filter((e) => e.type === 'stage' && e.stage === 'branches');
/** What the approval queues: `deploy mary shadow production`, bound to the sha approved. */
const approvedDeploy = (sha: string) => deploy(f.deps, f.ctx('alice'), { app: 'mary', ref: 'shadow', env: 'production', approvedBy: 'carol', sha });

describe('release.moves_branch: production follows what production runs', () => {
  it('fast-forwards production to the commit an approved deploy of shadow released; again, it is up to date', async () => {
    const { first, second } = f.app.shas;
    git(f.app.dir, 'branch', 'production', first);
    git(f.app.dir, 'branch', 'shadow', second);

    const result = await approvedDeploy(second);
    expect(result.outcome).toBe('released');
    expect(result.branchMove).toEqual({ branch: 'production', move: { state: 'fast-forwarded', branch: 'production', from: first, sha: second } });
    expect(branchAt('production')).toBe(second);
    expect(branchEvents().map((e) => e.type === 'stage' && `${e.status}: ${e.message}`)).toEqual([
      `started: moving production to ${second.slice(0, 7)}`,
      `finished: production fast-forwarded ${first.slice(0, 7)}..${second.slice(0, 7)}`,
    ]);
    // The progress message shows it as its own step, after history.
    let progress = startProgress('job-1', 'deploy mary@shadow to production', 'alice');
    for (const event of f.events) progress = applyEvent(progress, event);
    const steps = finishProgress(progress, result).steps.map((s) => `${s.name} ${s.state}`);
    expect(steps.slice(-2)).toEqual(['history done', 'branches done']);

    f.events.length = 0;
    const again = await approvedDeploy(second);
    expect(again.branchMove).toEqual({ branch: 'production', move: { state: 'up-to-date', branch: 'production', sha: second } });
    expect(branchAt('production')).toBe(second);
  });

  it('creates production at the released commit when the repository has none', async () => {
    git(f.app.dir, 'branch', 'shadow', f.app.shas.second);
    const result = await approvedDeploy(f.app.shas.second);
    expect(result.branchMove).toMatchObject({ move: { state: 'created', sha: f.app.shas.second } });
    expect(branchAt('production')).toBe(f.app.shas.second);
  });

  it('leaves a production with a hotfix of its own where it is: the release is done, the notice names the hotfix', async () => {
    const { first, second } = f.app.shas;
    git(f.app.dir, 'branch', 'shadow', second);
    git(f.app.dir, 'checkout', '--quiet', '-b', 'production', first);
    const hotfix = commitFiles(f.app.dir, 'hotfix straight on production', { 'hotfix.txt': 'fix' });
    git(f.app.dir, 'checkout', '--quiet', 'main');

    const result = await approvedDeploy(second);
    expect(result.outcome).toBe('released');
    expect(result.branchMove).toMatchObject({ branch: 'production', move: { state: 'refused', from: hotfix, ownCommits: [{ sha: hotfix, subject: 'hotfix straight on production' }] } });
    expect(branchAt('production')).toBe(hotfix);
    expect(f.events).toContainEqual({ type: 'warning', message: expect.stringContaining(`production not moved: not a fast-forward, it has 1 commit of its own (${hotfix.slice(0, 7)} hotfix straight on production)`) });
    expect(branchEvents().at(-1)).toMatchObject({ status: 'failed' });
    const progress = f.events.reduce(applyEvent, startProgress('job-1', 'deploy mary@shadow to production', 'alice'));
    const message = progressMessage(finishProgress(progress, result));
    expect(message.tone).toBe('success');
    expect(message.steps.at(-1)).toMatchObject({ name: 'branches', state: 'failed' });

    const notice = await noticeOf(result);
    expect(notice?.channel).toBe('tech-release-prod');
    const text = renderText(notice!.message);
    expect(text).toContain(`mary: production not moved to what production runs`);
    expect(text).toContain(`production left at ${hotfix.slice(0, 7)} (not a fast-forward), with commits of its own`);
    expect(text).toContain(`${hotfix.slice(0, 7)} hotfix straight on production`);
  });

  it('moves nothing for a deploy to staging (the key is not inherited), a dry run, or a release that failed', async () => {
    const { first, feature } = f.app.shas;
    git(f.app.dir, 'branch', 'production', first);
    expect((await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'staging' })).branchMove).toBeUndefined();
    expect((await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'production', dryRun: true })).branchMove).toBeUndefined();
    f.sim.controllers.options.crashingImages = [feature];
    const failed = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'production', approvedBy: 'carol' });
    expect(failed.outcome).toBe('failed'); // its first release: nothing to roll back to
    expect(failed.branchMove).toBeUndefined();
    expect(branchEvents()).toEqual([]);
    expect(branchAt('production')).toBe(first);
  });
});

describe('release.moves_branch from the CLI', () => {
  const nestor = cliOn(() => ({ cwd: f.configDir, env: { NESTOR_CONFIG: f.configDir }, deps: f.deps }));

  it('prints the branches stage; a refused move is a warning and the deploy still ends with 0', async () => {
    const { first, second } = f.app.shas;
    git(f.app.dir, 'branch', 'shadow', second);
    git(f.app.dir, 'branch', 'production', first);
    const moved = await nestor('deploy', 'mary', 'shadow', 'production');
    expect(moved).toMatchObject({ code: 0, out: expect.stringContaining(`[branches] finished: production fast-forwarded ${first.slice(0, 7)}..${second.slice(0, 7)}\n`) });

    git(f.app.dir, 'checkout', '--quiet', 'production');
    const hotfix = commitFiles(f.app.dir, 'hotfix', { 'hotfix.txt': 'fix' });
    git(f.app.dir, 'checkout', '--quiet', 'main');
    // production holds the commit shadow released, and a hotfix: feature-x (second ← feature) is not ahead of it.
    const refused = await nestor('deploy', 'mary', 'feature-x', 'production');
    expect(refused.code).toBe(0);
    expect(refused.out).toContain(`[warning] the release is done, but production not moved: not a fast-forward, it has 1 commit of its own (${hotfix.slice(0, 7)} hotfix)\n`);
    expect(refused.out).toContain('[branches] failed: production not moved');
    expect(branchAt('production')).toBe(hotfix);
  });
});

async function noticeOf(result: ReleaseResult) {
  const config = appConfig((await f.deps.config.load()).tree, 'mary', 'production').config;
  return buildBranchNotice({ result, config, user: 'alice', approvedBy: 'carol', durationMs: 1000, jobId: 'job-1' });
}
