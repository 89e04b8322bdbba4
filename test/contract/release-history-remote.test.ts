// The git history's clone against its remote on real repositories: a push refused because another
// writer pushed in between (fetch, rebase, push again, never force), and a clone whose setting
// changed (NESTOR_HISTORY, --history) since an earlier process made it.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitConfigRepo } from '../../src/adapters/git/git-config-repo.js';
import { GitReleaseHistory } from '../../src/adapters/git/git-release-history.js';
import { ErrorCode } from '../../src/core/errors.js';
import { cleanupFixtures, commitFiles, git, makeBareRepo, makeSeededRemote, onNextCommit, pushFromHook, tempDir } from '../support/git-fixtures.js';
import { HISTORY_KEY, release } from './release-history.contract.js';

afterAll(cleanupFixtures);

const subjects = (remote: string): string[] => git(remote, 'log', '--format=%s', 'main').trim().split('\n');
const hasMain = (remote: string): boolean => {
  try {
    git(remote, 'rev-parse', '--verify', '--quiet', 'refs/heads/main');
    return true;
  } catch {
    return false;
  }
};

describe('GitReleaseHistory publishing', () => {
  it('fetches, rebases and pushes again when another writer pushed between its fetch and its push, never forcing', async () => {
    const parent = tempDir();
    const remote = makeBareRepo(parent);
    const workDir = join(parent, 'work');
    const writer = new GitReleaseHistory({ remote, workDir });
    await writer.record(release({}, { jobId: 'first' }));
    // Another writer's commit, ready to land on the remote the moment this writer commits
    // locally (its clone's reference-transaction hook): this writer's push then finds a remote
    // head it has not fetched, and git refuses it (fetch first / non-fast-forward).
    const other = join(parent, 'other');
    git(parent, 'clone', '--quiet', remote, other);
    const theirs = commitFiles(other, 'another writer', { 'dev4/john/release.json': '{}\n' });
    const marker = onNextCommit(workDir, pushFromHook(other), join(parent, 'raced'));

    const result = await writer.record(release({ app: 'paul' }, { jobId: 'raced' }));

    expect(existsSync(marker)).toBe(true);
    expect(result.created).toBe(true);
    expect(git(remote, 'rev-parse', 'main').trim()).toBe(result.commit);
    expect(git(remote, 'rev-parse', `${result.commit}^`).trim()).toBe(theirs);
    expect(subjects(remote)).toEqual(['deploy paul@1a2b3c4 (feature-x) to dev3 by alice', 'another writer', 'deploy mary@1a2b3c4 (feature-x) to dev3 by alice']);
    expect(git(remote, 'rev-list', '--merges', 'main').trim()).toBe('');
  });
});

describe('GitReleaseHistory reads of many apps', () => {
  it('lists the releases of apps asked together from one git log, and reads their latest releases from two git processes', async () => {
    const parent = tempDir();
    const remote = makeBareRepo(parent);
    const writer = new GitReleaseHistory({ remote, workDir: join(parent, 'writer') });
    const apps = ['mary', 'john', 'paul'];
    for (const [i, jobId] of ['j1', 'j2', 'j3', 'j4'].entries()) {
      await Promise.all(apps.map((app) => writer.record(release({ app }, { jobId: `${app}-${jobId}`, at: `2025-01-02T03:04:0${i}.000Z` }))));
    }
    const runs: string[] = [];
    const reader = new GitReleaseHistory({ remote, workDir: join(parent, 'reader'), onRun: (run) => runs.push(run.command) });
    const lists = await Promise.all(apps.map((app) => reader.list(app, 'dev3', 3)));
    expect(runs.filter((c) => c === 'log')).toHaveLength(1);
    expect(lists.map((list) => list.map((r) => r.jobId))).toEqual(apps.map((app) => [`${app}-j4`, `${app}-j3`, `${app}-j2`]));
    // The same as each app's own log gives (a list longer than the batch keeps reads on its own).
    for (const [i, app] of apps.entries()) expect((await reader.list(app, 'dev3', 60)).slice(0, 3)).toEqual(lists[i]);
    runs.length = 0;
    const latest = await Promise.all(apps.map((app) => reader.get(app, 'dev3')));
    expect(latest.map((r) => r?.jobId)).toEqual(apps.map((app) => `${app}-j4`));
    // Their files from two git processes in all, and the same as each one's own read gives.
    expect(runs.filter((c) => c !== 'fetch')).toEqual(['show', 'cat-file']);
    const alone = new GitReleaseHistory({ remote, workDir: join(parent, 'alone') });
    for (const [i, app] of apps.entries()) expect(latest[i]).toEqual(await alone.get(app, 'dev3', latest[i]!.commit));
    expect(latest[0]?.manifestsByCluster).toEqual(release().manifestsByCluster);
  });
});

describe('GitReleaseHistory reads of many apps with secrets', () => {
  it('decrypts the Secrets of latest releases read together, as one read alone does', async () => {
    const parent = tempDir();
    const remote = makeBareRepo(parent);
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-env\n  namespace: dev3\ntype: Opaque\nstringData:\n  API_TOKEN: "s3cr3t-value-123"\n';
    const writer = new GitReleaseHistory({ remote, workDir: join(parent, 'writer'), key: HISTORY_KEY });
    await Promise.all(['mary', 'john'].map((app) => writer.record(release({ app, manifestsByCluster: { c1: secret } }, { jobId: app }))));
    const runs: string[] = [];
    const reader = new GitReleaseHistory({ remote, workDir: join(parent, 'reader'), key: HISTORY_KEY, onRun: (run) => runs.push(run.command) });
    const both = await Promise.all(['mary', 'john'].map((app) => reader.get(app, 'dev3')));
    expect(runs).toContain('cat-file');
    for (const read of both) {
      expect(read?.manifestsByCluster.c1).toContain('API_TOKEN: s3cr3t-value-123');
      expect(read?.secretsEncrypted).toBe(false); // decrypted with the key
    }
    expect(git(remote, 'log', '-p', 'main')).not.toContain('s3cr3t-value-123');
  });
});

describe('GitReleaseHistory with every push refused', () => {
  it('keeps the release as a local commit, pending, after its attempts, never forcing; publishes it once the remote takes pushes again', async () => {
    const parent = tempDir();
    const remote = makeBareRepo(parent);
    const failures: string[] = [];
    const writer = new GitReleaseHistory({ remote, workDir: join(parent, 'work'), maxPushAttempts: 2, onPushFailed: (reason) => failures.push(reason) });
    await writer.record(release({}, { jobId: 'first' }));
    const head = git(remote, 'rev-parse', 'main').trim();
    const refuse = join(remote, 'hooks', 'pre-receive');
    writeFileSync(refuse, '#!/bin/sh\necho "history is read-only today" >&2\nexit 1\n', { mode: 0o755 });

    await expect(writer.record(release({ app: 'paul' }, { jobId: 'refused' }))).rejects.toMatchObject({ code: ErrorCode.HistoryPending });
    expect(await writer.pendingCount()).toBe(1);
    expect(git(remote, 'rev-parse', 'main').trim()).toBe(head);
    expect(failures).toEqual(['rejected']);
    await expect(writer.flushPending()).rejects.toMatchObject({ code: ErrorCode.HistoryPending });

    renameSync(refuse, `${refuse}.off`);
    expect(await writer.flushPending()).toEqual({ pushed: 1, pending: 0 });
    expect(subjects(remote)[0]).toBe('deploy paul@1a2b3c4 (feature-x) to dev3 by alice');
    expect(git(remote, 'rev-list', '--merges', 'main').trim()).toBe('');
  });
});

describe('GitReleaseHistory group commit', () => {
  it('commits a burst of records each on its own, in order per app and environment, and publishes them in one push', async () => {
    const parent = tempDir();
    const remote = makeBareRepo(parent);
    const pushes = join(parent, 'pushes');
    writeFileSync(join(remote, 'hooks', 'post-receive'), `#!/bin/sh\necho push >> '${pushes}'\n`, { mode: 0o755 });
    const writer = new GitReleaseHistory({ remote, workDir: join(parent, 'work') });
    const asked = [['mary', 'm1'], ['john', 'j1'], ['mary', 'm2'], ['paul', 'p1'], ['john', 'j2'], ['mary', 'm3'], ['mary', 'm2']] as const;

    const results = await Promise.all(asked.map(([app, jobId], i) => writer.record(release({ app }, { jobId, at: `2025-01-02T03:04:0${i}.000Z` }))));

    expect(readFileSync(pushes, 'utf8')).toBe('push\n');
    expect(results.map((r) => r.created)).toEqual([true, true, true, true, true, true, false]);
    expect(results[6]?.commit).toBe(results[2]?.commit);
    expect(new Set(results.map((r) => r.commit)).size).toBe(6);
    expect(git(remote, 'rev-list', '--reverse', 'main').trim().split('\n')).toEqual(results.slice(0, 6).map((r) => r.commit));
    const reader = new GitReleaseHistory({ remote, workDir: join(parent, 'reader') });
    expect((await reader.list('mary', 'dev3')).map((r) => r.jobId)).toEqual(['m3', 'm2', 'm1']);
    expect((await reader.list('john', 'dev3')).map((r) => r.jobId)).toEqual(['j2', 'j1']);
    expect((await reader.get('mary', 'dev3'))?.record.at).toBe('2025-01-02T03:04:05.000Z');
  });
});

describe('a clone whose remote setting changed', () => {
  it('records to the repository now named, not to the one the clone was made from', async () => {
    const parent = tempDir();
    const [before, after] = [makeBareRepo(join(parent)), makeBareRepo(tempDir())];
    const workDir = join(parent, 'state', 'history-work');
    await new GitReleaseHistory({ remote: before, workDir }).record(release({}, { jobId: 'old' }));
    const moved = new GitReleaseHistory({ remote: after, workDir });
    expect(await moved.list('mary', 'dev3')).toEqual([]);
    await moved.record(release({ app: 'john' }, { jobId: 'new' }));
    expect(subjects(after)).toEqual(['deploy john@1a2b3c4 (feature-x) to dev3 by alice']);
    expect(subjects(before)).toEqual(['deploy mary@1a2b3c4 (feature-x) to dev3 by alice']);
  });

  it('says why a write was left pending, and counts the pending writes until they are published', async () => {
    const parent = tempDir();
    const remote = makeBareRepo(parent);
    const failures: string[] = [];
    const writer = new GitReleaseHistory({ remote, workDir: join(parent, 'history-work'), onPushFailed: (reason) => void failures.push(reason) });
    await writer.record(release({}, { jobId: 'published' }));
    expect(await writer.pendingCount()).toBe(0);
    renameSync(remote, `${remote}.down`);
    await expect(writer.record(release({}, { jobId: 'kept' }))).rejects.toMatchObject({ code: ErrorCode.HistoryPending });
    expect(failures).toEqual(['unreachable']);
    expect(await writer.pendingCount()).toBe(1);
    renameSync(`${remote}.down`, remote);
    await writer.flushPending();
    expect(await writer.pendingCount()).toBe(0);
  });

  it('refuses, in one line, to leave commits the old remote never received; they are published once it is set back', async () => {
    const parent = tempDir();
    const [before, after] = [makeBareRepo(parent), makeBareRepo(tempDir())];
    const workDir = join(parent, 'history-work');
    const first = new GitReleaseHistory({ remote: before, workDir });
    await first.record(release({}, { jobId: 'published' }));
    renameSync(before, `${before}.down`);
    await expect(first.record(release({}, { jobId: 'kept' }))).rejects.toMatchObject({ code: ErrorCode.HistoryPending });
    renameSync(`${before}.down`, before);

    const error = await new GitReleaseHistory({ remote: after, workDir }).record(release({ app: 'john' }, { jobId: 'new' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.GitFailed, retryable: false });
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(`${workDir} holds 1 commit(s) not yet pushed to ${before}, and the setting now names ${after}`);
    expect(message).toContain(`set it back to ${before} until they are published, or remove ${workDir} to drop them`);
    expect(hasMain(after)).toBe(false);

    // The same remote spelt another way is the same remote: the clone is kept.
    expect(await new GitReleaseHistory({ remote: `${before}/`, workDir }).flushPending()).toEqual({ pushed: 1, pending: 0 });
    expect(subjects(before)[0]).toBe('deploy mary@1a2b3c4 (feature-x) to dev3 by alice');
    expect(git(before, 'rev-list', '--count', 'main').trim()).toBe('2');
    await new GitReleaseHistory({ remote: after, workDir }).record(release({ app: 'john' }, { jobId: 'new' }));
    expect(subjects(after)).toEqual(['deploy john@1a2b3c4 (feature-x) to dev3 by alice']);
  });

  it('answers reads asked together on a clone it refuses to open with that one refusal: no second open runs git on the clone once the first is answered', async () => {
    const parent = tempDir();
    const [before, after] = [makeBareRepo(parent), makeBareRepo(tempDir())];
    const workDir = join(parent, 'history-work');
    renameSync(before, `${before}.down`);
    await expect(new GitReleaseHistory({ remote: before, workDir }).record(release({}, { jobId: 'kept' }))).rejects.toMatchObject({ code: ErrorCode.HistoryPending });
    renameSync(`${before}.down`, before);

    const moved = new GitReleaseHistory({ remote: after, workDir });
    // As `nestor history` asks (Promise.all): the command answers the first refusal and returns.
    const [list, pin] = await Promise.allSettled([moved.list('mary', 'dev3'), moved.getPin('mary', 'dev3')]);
    const refusal = list.status === 'rejected' ? list.reason : undefined;
    expect(refusal).toMatchObject({ code: ErrorCode.GitFailed });
    expect(pin.status === 'rejected' && pin.reason).toBe(refusal);
    // A read asked after the refusal opens again (and is refused again while the commit is kept).
    const later = await moved.list('mary', 'dev3').catch((e: unknown) => e);
    expect(later).toMatchObject({ code: ErrorCode.GitFailed });
    expect(later).not.toBe(refusal);
  });

  it('the config clone follows its setting too', async () => {
    const parent = tempDir();
    const before = makeSeededRemote({ 'production/project.yaml': 'project: before\n' }, parent);
    const after = makeSeededRemote({ 'production/project.yaml': 'project: after\n' }, tempDir());
    const workDir = join(parent, 'config-work');
    expect(await new GitConfigRepo({ remote: before, workDir }).readFile('production/project.yaml')).toBe('project: before\n');
    const moved = new GitConfigRepo({ remote: after, workDir });
    expect(await moved.readFile('production/project.yaml')).toBe('project: after\n');
    await moved.update('production/project.yaml', () => 'project: changed\n', { author: { name: 'Alice', email: 'a@example.com' }, message: 'edit' });
    expect(git(after, 'show', 'main:production/project.yaml')).toBe('project: changed\n');
    expect(git(before, 'show', 'main:production/project.yaml')).toBe('project: before\n');
  });
});
