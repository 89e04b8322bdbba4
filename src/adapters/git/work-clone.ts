// A working clone of a shared repository (the release history, nestor-config) that several
// Nestor processes write to. Publishing is fetch → rebase → push, bounded, never forced.
// One WorkClone owns its work folder: callers serialise their operations through `exclusive`.
// The clone follows its setting: one left by an earlier process for another remote is made
// again for the new one, unless it holds commits that remote never received.

import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { ErrorCode, NestorError } from '../../core/errors.js';
import { fastImportStream, type ImportedCommit } from './fast-import.js';
import { gitFailureText, NESTOR_IDENTITY, openGit, tryRaw, type GitProcessOptions } from './git-process.js';
import { KeyedMutex } from './keyed-mutex.js';
import { readRefFiles } from './ref-files.js';
import { checkOrigin, displayOrigin } from './paths.js';

export interface WorkCloneOptions extends GitProcessOptions {
  /** The shared repository: a local path (usually a bare repository) or a URL. */
  remote: string;
  /** This process's working clone (created when missing). */
  workDir: string;
  branch?: string;
}

export type PushOutcome =
  | { ok: true }
  | { ok: false; reason: 'unreachable' | 'rejected' | 'conflict'; detail: string };

export class WorkClone {
  /** For reads: what moves the branch goes through this class's methods, which keep `head` true. */
  readonly git: SimpleGit;
  readonly dir: string;
  readonly branch: string;
  private readonly remote: string;
  private readonly options: WorkCloneOptions;
  private readonly mutex = new KeyedMutex();
  private opened = false;
  private opensStarted = 0;
  private failedOpen: { attempt: number; error: unknown } | undefined;
  /** The branch moved by fast-import and the index not yet with it (see importCommits). */
  private indexBehind = false;
  /** How many times local commits may have been rewritten (rebased or replayed): their ids may have changed. */
  rewrites = 0;
  /**
   * The local branch's head as this process last read or moved it (`sha` undefined: no branch
   * yet); undefined when unknown (after an operation that moved it some other way). Only this
   * process's WorkClone moves the branch of its clone.
   */
  private head: { sha: string | undefined } | undefined;

  constructor(options: WorkCloneOptions) {
    this.options = options;
    this.remote = checkOrigin(options.remote);
    this.dir = options.workDir;
    this.branch = options.branch ?? 'main';
    mkdirSync(this.dir, { recursive: true });
    this.git = openGit(options.workDir, options);
  }

  /**
   * Runs `task` alone on this clone, after making sure the clone exists and is clean. A task
   * asked before an open that failed fails with it, without opening again: its caller may have
   * given up on the calls asked with the failed one (a CLI command answering its first error),
   * and another open would run git on the clone behind it, racing the next command's.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const opensBefore = this.opensStarted;
    return this.mutex.run('clone', async () => {
      if (this.opened) return task();
      if (this.failedOpen !== undefined && this.failedOpen.attempt > opensBefore) throw this.failedOpen.error;
      const attempt = (this.opensStarted += 1);
      try {
        await this.open();
      } catch (error) {
        this.failedOpen = { attempt, error };
        throw error;
      }
      return task();
    });
  }

  /** Fetches the remote; false (and nothing changed) when it cannot be reached. */
  async fetch(): Promise<{ ok: boolean; detail: string }> {
    try {
      await this.git.raw(['fetch', '--verbose', '--prune', 'origin']);
      return { ok: true, detail: '' };
    } catch (error) {
      return { ok: false, detail: gitFailureText(error) };
    }
  }

  /** The local branch and the remote-tracking branch heads (undefined when absent). */
  async heads(): Promise<{ local?: string; remote?: string }> {
    const local = `refs/heads/${this.branch}`;
    const remote = `refs/remotes/origin/${this.branch}`;
    const refs = await readRefFiles(this.dir, [local, remote]) ?? await this.refsFromGit([local, remote]);
    const heads: { local?: string; remote?: string } = {};
    const [localId, remoteId] = [refs.get(local), refs.get(remote)];
    if (localId !== undefined) heads.local = localId;
    if (remoteId !== undefined) heads.remote = remoteId;
    this.head = { sha: heads.local };
    return heads;
  }

  private async refsFromGit(names: readonly string[]): Promise<Map<string, string | undefined>> {
    const out = (await this.git.raw(['for-each-ref', '--format=%(refname) %(objectname)', ...names])) ?? '';
    const found = new Map(out.split('\n').map((l) => l.split(' ') as [string, string]));
    return new Map(names.map((name) => [name, found.get(name)]));
  }

  /** The local branch's head if this process knows it without asking git (see `head`). */
  knownHead(): string | undefined {
    return this.head?.sha;
  }

  /** Replays local commits on the fetched remote head; false when they conflict (nothing changed). */
  async rebaseOnRemote(): Promise<boolean> {
    const { local, remote } = await this.heads();
    if (remote === undefined || local === remote) return true;
    this.head = undefined;
    if (local === undefined) {
      await this.git.raw(['reset', '--hard', `origin/${this.branch}`]);
      return true;
    }
    await this.catchUpIndex();
    this.rewrites += 1;
    // With `merge=binary` (see open), `-X theirs` resolves a file changed on both sides by
    // taking the replayed (newer, local) commit's whole file: never a mix of two releases.
    if ((await tryRaw(this.git, ['rebase', '--strategy-option=theirs', `origin/${this.branch}`])) !== undefined) return true;
    await tryRaw(this.git, ['rebase', '--abort']);
    return false;
  }

  /** Makes the local branch exactly the remote one, dropping local commits. */
  async resetToRemote(): Promise<void> {
    const { remote } = await this.heads();
    this.head = undefined;
    if (remote !== undefined) await this.git.raw(['reset', '--hard', `origin/${this.branch}`]);
  }

  /** Makes the clone exactly the remote branch: local commits, changes and new files dropped. */
  async discardLocal(): Promise<void> {
    const { remote } = await this.heads();
    this.head = undefined;
    if (remote !== undefined) {
      await this.git.raw(['reset', '--hard', `origin/${this.branch}`]);
    } else {
      await tryRaw(this.git, ['update-ref', '-d', `refs/heads/${this.branch}`]);
      await this.git.raw(['read-tree', '--empty']);
    }
    await this.git.raw(['clean', '-d', '--force', '--quiet']);
  }

  /** Number of local commits the remote does not have. */
  async aheadCount(): Promise<number> {
    const local = `refs/heads/${this.branch}`;
    const both = await tryRaw(this.git, ['rev-list', '--count', `refs/remotes/origin/${this.branch}..${local}`, '--']);
    if (both !== undefined) return Number(both.trim());
    const onlyLocal = await tryRaw(this.git, ['rev-list', '--count', local, '--']);
    return onlyLocal === undefined ? 0 : Number(onlyLocal.trim());
  }

  /** The local commits the remote does not have, oldest first. */
  async localCommits(): Promise<string[]> {
    if ((await this.aheadCount()) === 0) return [];
    const out = await tryRaw(this.git, ['rev-list', '--reverse', `refs/remotes/origin/${this.branch}..refs/heads/${this.branch}`, '--']);
    return (out ?? '').split('\n').filter(Boolean);
  }

  /**
   * Makes the local branch the remote one with `keep` (local commits, oldest first) replayed on
   * it, newer files winning as in rebaseOnRemote. False, and the branch as it was, when one
   * cannot be replayed.
   */
  async replayOnRemote(keep: readonly string[]): Promise<boolean> {
    const { local } = await this.heads();
    this.head = undefined;
    this.rewrites += 1;
    await this.git.raw(['reset', '--hard', `origin/${this.branch}`]);
    for (const commit of keep) {
      if ((await tryRaw(this.git, ['cherry-pick', '--keep-redundant-commits', '--strategy-option=theirs', commit])) !== undefined) continue;
      await tryRaw(this.git, ['cherry-pick', '--abort']);
      if (local !== undefined) await this.git.raw(['reset', '--hard', local]);
      return false;
    }
    return true;
  }

  /** Stages everything under `paths` and commits; false when nothing changed. */
  async commit(paths: string[], message: string, author?: string): Promise<boolean> {
    await this.catchUpIndex();
    this.head = undefined;
    await this.git.raw(['add', '--all', '--verbose', '--', ...paths]);
    const authorArgs = author === undefined ? [] : [`--author=${author}`];
    try {
      await this.git.raw(['commit', '--no-verify', `--message=${message}`, ...authorArgs]);
    } catch (error) {
      if (/nothing to commit|nothing added to commit/.test(String(error))) return false;
      throw error;
    }
    return true;
  }

  /**
   * Commits on the local branch, in order, in one `git fast-import` (a burst of releases costs
   * one git process, not an add and a commit each). The work tree must already hold the files;
   * the index catches up with the new head only before an operation that reads it (commit,
   * rebase), which a release's publish rarely needs. Returns the new commits, oldest first.
   */
  async importCommits(commits: readonly ImportedCommit[]): Promise<string[]> {
    if (commits.length === 0) return [];
    const local = this.head === undefined ? (await this.heads()).local : this.head.sha;
    const identity = this.options.identity ?? NESTOR_IDENTITY;
    const stream = fastImportStream(this.branch, commits, local, identity, Math.floor(Date.now() / 1000));
    this.head = undefined;
    const marks = (await openGit(this.dir, this.options, stream).raw(['fast-import', '--quiet'])).split('\n').filter(Boolean);
    this.indexBehind = true;
    if (marks.length === commits.length) this.head = { sha: marks.at(-1) };
    return marks;
  }

  /** Moves the branch to `commit` (a full object id): the commits after it, changes and new files dropped. */
  async resetTo(commit: string): Promise<void> {
    this.head = undefined;
    await this.git.raw(['reset', '--hard', commit]);
    this.head = { sha: commit };
    this.indexBehind = false;
    await this.git.raw(['clean', '-d', '--force', '--quiet']);
  }

  /** Drops uncommitted changes and new files (commits are kept). */
  async cleanWorkTree(): Promise<void> {
    const { local } = await this.heads();
    if (local !== undefined) return this.resetTo(local);
    this.indexBehind = false;
    await this.git.raw(['clean', '-d', '--force', '--quiet']);
  }

  /** The index from the work tree, which holds what fast-import committed plus the change at hand. */
  private async catchUpIndex(): Promise<void> {
    if (!this.indexBehind) return;
    await this.git.raw(['add', '--all', '--verbose', '--', '.']);
    this.indexBehind = false;
  }

  /** One push attempt of the local branch; never forced. */
  async push(): Promise<PushOutcome> {
    try {
      await this.git.raw(['push', '--porcelain', 'origin', `refs/heads/${this.branch}:refs/heads/${this.branch}`]);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: 'rejected', detail: gitFailureText(error) };
    }
  }

  /**
   * Publishes local commits: push; when refused, fetch, rebase and push again, `attempts` times
   * at most (`onRetry` told before each push again). Local commits are kept whatever happens.
   */
  async publish(attempts: number, onRetry?: () => void): Promise<PushOutcome> {
    let outcome: PushOutcome = { ok: true };
    for (let i = 0; i < attempts; i += 1) {
      outcome = await this.push();
      if (outcome.ok) return outcome;
      const fetched = await this.fetch();
      if (!fetched.ok) return { ok: false, reason: 'unreachable', detail: fetched.detail };
      if (!(await this.rebaseOnRemote())) return { ok: false, reason: 'conflict', detail: 'rebase conflict' };
      if (i + 1 < attempts) onRetry?.();
    }
    return outcome;
  }

  // The head read while opening (recovery moves the branch) is forgotten however the open ends.
  private async open(): Promise<void> {
    try {
      if (existsSync(join(this.dir, '.git'))) {
        await this.recoverFromCrash();
        await this.followRemote();
      }
      if (!existsSync(join(this.dir, '.git'))) {
        await this.git.raw(['init', '--initial-branch', this.branch]);
        const url = this.remote.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
        const remote = `[remote "origin"]\n\turl = "${url}"\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`;
        await appendFile(join(this.dir, '.git', 'config'), remote);
      }
      await mkdir(join(this.dir, '.git', 'info'), { recursive: true });
      await writeFile(join(this.dir, '.git', 'info', 'attributes'), '* merge=binary\n');
      this.opened = true;
    } finally {
      this.head = undefined;
    }
  }

  /**
   * A clone made for another remote (the setting changed since) is removed, to be made again for
   * this one; refused while it holds commits the old remote never received (a release recorded
   * while that remote was down): removing them would lose them.
   */
  private async followRemote(): Promise<void> {
    const previous = (await tryRaw(this.git, ['config', '--get', 'remote.origin.url']))?.trim();
    if (previous !== undefined && sameRemote(previous, this.remote)) return;
    const pending = previous === undefined ? 0 : await this.aheadCount();
    if (pending > 0) {
      const old = displayOrigin(previous ?? '');
      throw new NestorError(ErrorCode.GitFailed,
        `${this.dir} holds ${pending} commit(s) not yet pushed to ${old}, and the setting now names ${displayOrigin(this.remote)}: `
        + `set it back to ${old} until they are published, or remove ${this.dir} to drop them`,
        { detail: { previous: old, pending } });
    }
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true });
  }

  /** A crash may leave a rebase in progress or uncommitted files: drop them (commits are kept). */
  private async recoverFromCrash(): Promise<void> {
    if (existsSync(join(this.dir, '.git', 'rebase-merge')) || existsSync(join(this.dir, '.git', 'rebase-apply'))) {
      await tryRaw(this.git, ['rebase', '--abort']);
    }
    await this.cleanWorkTree();
  }
}

/** The same repository, whether a path is written relative, with a trailing slash or through a link. */
function sameRemote(a: string, b: string): boolean {
  if (a === b) return true;
  const local = (p: string): string | undefined => {
    if (/^[a-z][a-z0-9+.-]*:\/\/|^[^/]+@[^/]+:/i.test(p)) return undefined;
    try {
      return realpathSync(resolve(p));
    } catch {
      return resolve(p);
    }
  };
  const [x, y] = [local(a), local(b)];
  return x !== undefined && x === y;
}
