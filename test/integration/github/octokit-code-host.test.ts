// The octokit CodeHost against the local GitHub API stand-in: the routes and payloads of a
// release's Deployment, a build's commit status and the compare changelog; a failing GitHub
// (500, 403 rate limit) costs the side effect only.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FolderConfigSource } from '../../../src/adapters/fs/folder-config-source.js';
import { OctokitCodeHost, type GitHubAuth, type GitHubCall } from '../../../src/adapters/github/octokit-code-host.js';
import { withBuildStatuses } from '../../../src/core/code-host/build-statuses.js';
import { withHostedChangelog } from '../../../src/core/code-host/hosted-changelog.js';
import { ReleaseDeployments } from '../../../src/core/code-host/release-deployments.js';
import { CountedFailures } from '../../../src/core/code-host/side-effect.js';
import { originRepo } from '../../../src/core/ports/code-host.js';
import type { ImageBuilds } from '../../../src/core/ports/image-builds.js';
import type { SourceRepo } from '../../../src/core/ports/source-repo.js';
import type { ReleaseResult } from '../../../src/core/release/release-deps.js';
import { announcerOf } from '../../../src/main/worker-announce.js';
import { EXAMPLE_CONFIG_DIR } from '../../support/config-fixtures.js';
import { useGitHubApiStandin } from '../../support/github-api-standin.js';

const github = useGitHubApiStandin();
const SHA = 'a'.repeat(40);
const MARY = { owner: 'transcovo', name: 'mary' };
const DEPLOYMENTS = 'POST /repos/:owner/:repo/deployments';
const DEPLOYMENT_STATUSES = 'POST /repos/:owner/:repo/deployments/:id/statuses';
const STATUSES = 'POST /repos/:owner/:repo/statuses/:sha';
const COMPARE = 'GET /repos/:owner/:repo/compare/:basehead';

const hostOf = (auth: GitHubAuth = { kind: 'token', token: 'ghp_test-token' }) => new OctokitCodeHost({ apiUrl: github.apiUrl, gitHost: 'github.com', auth });
const counted = () => {
  const logged: string[] = [];
  return { failures: new CountedFailures((operation, where, error) => logged.push(`${operation} ${where}: ${String(error)}`)), logged };
};
const result = (outcome: ReleaseResult['outcome'], sha = SHA): ReleaseResult =>
  ({ outcome, app: 'mary', env: 'staging', message: `mary ${outcome}`, sha, historyPending: false, changes: [], failures: [], diff: '' });

describe('git origins on a code host', () => {
  it('reads the owner and name of each origin form, and nothing from a local path', () => {
    expect(originRepo('git@github.com:transcovo/mary.git')).toEqual({ host: 'github.com', repo: MARY });
    expect(originRepo('https://github.com/transcovo/mary')).toEqual({ host: 'github.com', repo: MARY });
    expect(originRepo('ssh://git@ghe.example.com:2222/transcovo/mary.git')).toEqual({ host: 'ghe.example.com', repo: MARY });
    expect(originRepo('/tmp/repos/mary.git')).toBeUndefined();
    expect(hostOf().repoOf('git@gitlab.com:transcovo/mary.git')).toBeUndefined();
  });
});

describe('release Deployments', () => {
  const deployments = (failures = counted().failures) =>
    new ReleaseDeployments({ host: hostOf(), config: new FolderConfigSource(EXAMPLE_CONFIG_DIR), failures, logUrl: (id) => `https://nestor.example.com/api/v1/jobs/${id}` });

  it('creates a Deployment of the ref in progress, then success with the environment and log url', async () => {
    const tracked = deployments();
    tracked.begin({ app: 'mary', env: 'staging', jobId: 'j1', ref: 'master' })(result('released'));
    await tracked.settled();
    expect(github.of(DEPLOYMENTS).map((c) => [c.path, c.body.ref, c.body.environment, c.body.auto_merge, c.body.required_contexts, c.authorization]))
      .toEqual([['/repos/transcovo/mary/deployments', 'master', 'staging', false, [], 'token ghp_test-token']]);
    expect(github.of(DEPLOYMENT_STATUSES).map((c) => [c.path, c.body.state, c.body.environment, c.body.log_url]))
      .toEqual([1, 2].map(() => '/repos/transcovo/mary/deployments/1/statuses').map((path, i) =>
        [path, i === 0 ? 'in_progress' : 'success', 'staging', 'https://nestor.example.com/api/v1/jobs/j1']));
  });

  it('marks a failed or rolled-back release failure; a rollback gets its Deployment at its end', async () => {
    const tracked = deployments();
    tracked.begin({ app: 'mary', env: 'staging', jobId: 'j2', ref: 'master' })(result('rolled-back'));
    tracked.begin({ app: 'mary', env: 'staging', jobId: 'j3' })(result('failed', 'b'.repeat(40)));
    tracked.begin({ app: 'mary', env: 'staging', jobId: 'j4' })(result('committed'));
    await tracked.settled();
    expect(github.of(DEPLOYMENTS).map((c) => c.body.ref).sort()).toEqual(['b'.repeat(40), 'master']);
    expect(github.of(DEPLOYMENT_STATUSES).map((c) => c.body.state).sort()).toEqual(['failure', 'failure', 'in_progress']);
  });

  it('fails the Deployment of a deploy whose pipeline threw, through the worker\'s announcer', async () => {
    const tracked = deployments();
    const announce = announcerOf(async () => undefined, () => undefined, tracked);
    const ctx = { user: 'alice', jobId: 'j7', onEvent: () => undefined };
    announce.begin(ctx, { app: 'mary', env: 'staging', ref: 'master' });
    announce.threw(ctx, new Error('cannot reach git origin'));
    await announce.settled();
    expect(github.of(DEPLOYMENT_STATUSES).map((c) => [c.body.state, c.body.description])).toEqual([['in_progress', 'releasing master'], ['failure', 'cannot reach git origin']]);
  });

  it('logs and counts a GitHub 500 or rate limit, and the release goes on', async () => {
    const { failures, logged } = counted();
    github.failNext(DEPLOYMENTS, 500);
    github.failNext(DEPLOYMENT_STATUSES, 403, 1, 60);
    const tracked = deployments(failures);
    tracked.begin({ app: 'mary', env: 'staging', jobId: 'j5', ref: 'master' })(result('released'));
    tracked.begin({ app: 'mary', env: 'staging', jobId: 'j6', ref: 'master' })(result('released'));
    await tracked.settled();
    expect(failures.counts).toMatchObject({ deployment: 1, 'deployment-status': 1 });
    expect(logged.join('\n')).toMatch(/^deployment transcovo\/mary staging: .*Server Error/m);
    expect(logged.join('\n')).toMatch(/rate limit/);
    expect(logged.join('\n')).not.toContain('ghp_test-token');
  });
});

describe('commit statuses of image builds', () => {
  const builds = (outcome: () => Promise<Awaited<ReturnType<ImageBuilds['ensure']>>>, failures = counted().failures) => withBuildStatuses({
    ensure: async (_app, _sha, options) => {
      options?.onProgress?.('build Job mary-build-aaaaaaa running');
      options?.onProgress?.('build Job mary-build-aaaaaaa succeeded');
      return outcome();
    },
  }, { host: hostOf(), config: new FolderConfigSource(EXAMPLE_CONFIG_DIR), failures });

  it('posts nestor/image pending then success for a build', async () => {
    await builds(async () => ({ state: 'built', image: 'kapten/mary:aaaa' })).ensure('mary', SHA, { env: 'staging' });
    expect(github.of(STATUSES).map((c) => [c.path, c.body.state, c.body.context]))
      .toEqual([[`/repos/transcovo/mary/statuses/${SHA}`, 'pending', 'nestor/image'], [`/repos/transcovo/mary/statuses/${SHA}`, 'success', 'nestor/image']]);
  });

  it('posts failure for a failed build and rethrows its error; a GitHub failure does not fail the build', async () => {
    await expect(builds(async () => { throw new Error('build of mary failed'); }).ensure('mary', SHA)).rejects.toThrow('build of mary failed');
    expect(github.of(STATUSES).map((c) => c.body.state)).toEqual(['pending', 'failure']);
    const { failures } = counted();
    github.failNext(STATUSES, 500, 2);
    await expect(builds(async () => ({ state: 'built', image: 'kapten/mary:aaaa' }), failures).ensure('mary', SHA)).resolves.toMatchObject({ state: 'built' });
    expect(failures.counts['commit-status']).toBe(2);
  });
});

describe('the changelog from the compare API', () => {
  const git: SourceRepo = {
    resolve: () => Promise.reject(new Error('unused')), resolveRemote: () => Promise.reject(new Error('unused')), readFile: async () => undefined,
    changelog: async () => [{ sha: 'f'.repeat(40), author: 'git', subject: 'from git' }],
  };

  it('reads GitHub for a hosted origin, git for another or when GitHub fails', async () => {
    github.commits.set('transcovo/mary', ['1', '2', '3'].map((n) => ({ sha: n.repeat(40), message: `change ${n}\n\nbody`, author: 'ada' })));
    const { failures } = counted();
    const source = withHostedChangelog(git, hostOf(), failures);
    expect(await source.changelog('git@github.com:transcovo/mary.git', '1'.repeat(40), '3'.repeat(40), 200))
      .toEqual([{ sha: '3'.repeat(40), author: 'ada', subject: 'change 3' }, { sha: '2'.repeat(40), author: 'ada', subject: 'change 2' }]);
    expect(github.of(COMPARE).map((c) => c.path)).toEqual([`/repos/transcovo/mary/compare/${'1'.repeat(40)}...${'3'.repeat(40)}`]);
    expect((await source.changelog('/tmp/mary.git', '1', '3'))[0]?.subject).toBe('from git');
    github.failNext(COMPARE, 500);
    expect((await source.changelog('git@github.com:transcovo/mary.git', '1'.repeat(40), '3'.repeat(40)))[0]?.subject).toBe('from git');
    expect(failures.counts.compare).toBe(1);
  });
});

describe('GitHub App auth', () => {
  it('takes an installation token with the app JWT, then calls with it', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const host = hostOf({ kind: 'app', appId: '42', privateKey, installationId: 7 });
    await host.setCommitStatus(MARY, SHA, { state: 'pending', context: 'nestor/image' });
    expect(github.calls.map((c) => [c.route, c.authorization?.split(' ')[0]?.toLowerCase()]))
      .toEqual([['POST /app/installations/:id/access_tokens', 'bearer'], [STATUSES, 'token']]);
    expect(github.of(STATUSES)[0]?.authorization).toBe('token ghs_standin-installation-token');
  });
});

describe('GitHub calls timed', () => {
  it('tells each request with its route template and outcome, a 500 as server, an answer as ok', async () => {
    const calls: GitHubCall[] = [];
    const host = new OctokitCodeHost({ apiUrl: github.apiUrl, gitHost: 'github.com', auth: { kind: 'token', token: 'ghp_test-token' }, onCall: (call) => calls.push(call) });
    github.failNext(DEPLOYMENTS, 500);
    await expect(host.createDeployment(MARY, { ref: 'master', environment: 'staging' })).rejects.toThrow();
    await host.createDeployment(MARY, { ref: 'master', environment: 'staging' });
    expect(calls.map((c) => [c.route, c.outcome])).toEqual([
      ['POST /repos/{owner}/{repo}/deployments', 'server'],
      ['POST /repos/{owner}/{repo}/deployments', 'ok'],
    ]);
    expect(calls.every((c) => c.seconds >= 0 && c.seconds < 10)).toBe(true);
  });
});
