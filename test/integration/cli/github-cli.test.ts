// The real `nestor` command line as a process with GitHub settings, against the local GitHub API
// stand-in: a deploy of mary (whose origin names github.com) gets a Deployment in progress then
// success, a scale its Deployment at its end, each app a release-tracked releases its own; a GitHub
// failing with 500 fails no release and is a warning on stderr; the token is printed nowhere.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../../support/cli-run.js';
import { cleanupFixtures, git } from '../../support/git-fixtures.js';
import { startGitHubApiStandin } from '../../support/github-api-standin.js';
import { processWorld, type ProcessWorld } from '../../support/nestor-processes.js';
import { CLUSTERS } from '../../support/release-fixture.js';

afterAll(cleanupFixtures);

const TOKEN = 'ghp_cli-github-token';
const ORIGIN = 'https://github.com/transcovo/mary.git';

/** Mary's origin names github.com, which git reads from the local repository (url.insteadOf in the CLI's own HOME). */
function cliSettings(world: ProcessWorld, apiUrl: string, kubeconfig: string): Record<string, string> {
  const maryFile = join(world.configDir, 'production/apps/mary.yaml');
  writeFileSync(maryFile, readFileSync(maryFile, 'utf8').replace(world.app.dir, ORIGIN));
  const home = join(world.root, 'home');
  mkdirSync(home);
  writeFileSync(join(home, '.gitconfig'), `[url "${world.app.dir}"]\n\tinsteadOf = ${ORIGIN}\n`);
  return {
    HOME: home, NESTOR_CONFIG: world.configDir, NESTOR_HISTORY: world.historyRemote, NESTOR_STATE: join(world.root, 'cli-state'), KUBECONFIG: kubeconfig,
    NESTOR_IMAGES: 'off', NESTOR_USER: 'alice', NESTOR_GITHUB_TOKEN: TOKEN, NESTOR_GITHUB_API_URL: apiUrl, NESTOR_GITHUB_HOST: 'github.com',
  };
}

describe('nestor (the CLI) with GitHub settings', () => {
  it('records a deploy and a scale as GitHub Deployments; a failing GitHub fails no release', async (ctx) => {
    const world = await processWorld(ctx);
    const github = await startGitHubApiStandin();
    ctx.onTestFinished(() => github.stop());
    const kubeconfig = await world.sim.writeKubeconfig(world.root, CLUSTERS);
    const env = cliSettings(world, github.apiUrl, kubeconfig);
    const nestor = async (...argv: string[]) => {
      const run = spawnCli(argv, env);
      const code = await run.exited;
      return { code, out: run.stdout(), err: run.stderr() };
    };

    const deployed = await nestor('deploy', 'mary', 'v1.0.0', 'dev3');
    expect(deployed).toMatchObject({ code: 0, out: expect.stringContaining('deployed mary@') });
    const created = github.of('POST /repos/:owner/:repo/deployments');
    expect(created.map((c) => [c.path, c.body.ref, c.body.environment, c.status])).toEqual([['/repos/transcovo/mary/deployments', 'v1.0.0', 'dev3', 201]]);
    const statuses = () => github.of('POST /repos/:owner/:repo/deployments/:id/statuses').map((c) => [c.body.state, c.body.environment]);
    expect(statuses()).toEqual([['in_progress', 'dev3'], ['success', 'dev3']]);

    const scaled = await nestor('scale', 'mary', 'dev3', 'web=2:3');
    expect(scaled.code).toBe(0);
    // Its version is known at its end only: created then, with the sha released, and its final status.
    expect(github.of('POST /repos/:owner/:repo/deployments').map((c) => c.body.ref)).toEqual(['v1.0.0', world.app.shas.first]);
    expect(statuses().slice(2)).toEqual([['success', 'dev3']]);

    github.failNext('POST /repos/:owner/:repo/deployments', 500);
    const despiteGitHub = await nestor('deploy', 'mary', 'feature-x', 'dev3');
    expect(despiteGitHub).toMatchObject({ code: 0, out: expect.stringContaining('deployed mary@') });
    expect(despiteGitHub.err).toContain('github side effect failed');
    for (const run of [deployed, scaled, despiteGitHub]) expect(run.out + run.err).not.toContain(TOKEN);
  }, 240_000);

  it('records each app release-tracked releases as a GitHub Deployment, created at its end with the sha released', async (ctx) => {
    const world = await processWorld(ctx);
    const github = await startGitHubApiStandin();
    ctx.onTestFinished(() => github.stop());
    const env = cliSettings(world, github.apiUrl, await world.sim.writeKubeconfig(world.root, CLUSTERS));
    for (const app of ['gandalf', 'pricing']) writeFileSync(join(world.configDir, 'staging', 'apps', `${app}.yaml`), 'is_enabled: false\n');
    git(world.app.dir, 'branch', 'master', 'main');
    const run = spawnCli(['release-tracked', 'staging'], env);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('released  mary');
    expect(github.of('POST /repos/:owner/:repo/deployments').map((c) => [c.path, c.body.ref, c.body.environment]))
      .toEqual([['/repos/transcovo/mary/deployments', world.app.shas.second, 'staging']]);
    expect(github.of('POST /repos/:owner/:repo/deployments/:id/statuses').map((c) => [c.body.state, c.body.environment])).toEqual([['success', 'staging']]);
  }, 240_000);
});
