// Real git repositories in temp folders for tests: a bare remote, an application repository
// with branches, tags, Procfile and Cronfile, and cleanup. Git runs without a shell and with an
// explicit identity (the machine may have none).

import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The application repository of `makeAppRepo`, built once for the run (see buildAppRepo). */
    appRepo: AppRepo;
  }
}

const IDENTITY = ['-c', 'user.name=Fixture', '-c', 'user.email=fixture@example.invalid', '-c', 'init.defaultBranch=main'];
const created: string[] = [];

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...IDENTITY, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A new temp folder, removed by `cleanupFixtures`. */
export function tempDir(prefix = 'nestor-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function cleanupFixtures(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** An empty bare repository (a remote). */
export function makeBareRepo(parent = tempDir()): string {
  const dir = join(parent, 'remote.git');
  git(parent, 'init', '--quiet', '--bare', '--initial-branch=main', dir);
  return dir;
}

/** Writes files (`null` deletes) into a working repository and commits them; returns the sha. */
export function commitFiles(repo: string, subject: string, changes: Record<string, string | null>): string {
  const removed = Object.keys(changes).filter((path) => changes[path] === null);
  const written = Object.keys(changes).filter((path) => changes[path] !== null);
  for (const path of written) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), changes[path]!);
  }
  if (removed.length > 0) git(repo, 'rm', '--quiet', '--', ...removed);
  if (written.length > 0) git(repo, 'add', '--', ...written);
  git(repo, 'commit', '--quiet', '--allow-empty', '-m', subject);
  return git(repo, 'rev-parse', 'HEAD').trim();
}

/** The application scenario every SourceRepo test uses (real and fake alike). */
export const APP_SCENARIO = {
  first: {
    subject: 'initial web and purge cron',
    changes: { Procfile: 'web: node server.js\n', Cronfile: '*/5 * * * * node jobs/purge.js\n' },
  },
  second: {
    subject: 'add a worker',
    changes: { Procfile: 'web: node server.js\nworker: node worker.js\n' },
  },
  feature: {
    subject: 'feature x drops the cron',
    changes: { Procfile: 'web: node server.js --feature-x\n', Cronfile: null },
  },
} as const;

export interface AppRepoShas {
  first: string;
  second: string;
  feature: string;
}

export interface AppRepo {
  dir: string;
  shas: AppRepoShas;
}

/**
 * A copy of the application repository built for the run by the global setup: a whole
 * repository, made by git as `buildAppRepo` says, in a twentieth of the time of the fifteen git
 * commands that build one. Every copy has the same commits (as repositories built in the same
 * second had).
 */
export function makeAppRepo(parent = tempDir()): AppRepo {
  const built = inject('appRepo');
  const dir = join(parent, 'app');
  cpSync(built.dir, dir, { recursive: true });
  return { dir, shas: { ...built.shas } };
}

/**
 * main: first ← second (tag v1.0.0 annotated on first, v1.1.0 lightweight on second);
 * feature-x: second ← feature.
 */
export function buildAppRepo(parent: string): AppRepo {
  const dir = join(parent, 'app');
  git(parent, 'init', '--quiet', '--initial-branch=main', dir);
  const first = commitFiles(dir, APP_SCENARIO.first.subject, APP_SCENARIO.first.changes);
  git(dir, 'tag', '-a', '-m', 'release 1.0.0', 'v1.0.0');
  const second = commitFiles(dir, APP_SCENARIO.second.subject, APP_SCENARIO.second.changes);
  git(dir, 'tag', 'v1.1.0');
  git(dir, 'checkout', '--quiet', '-b', 'feature-x');
  const feature = commitFiles(dir, APP_SCENARIO.feature.subject, APP_SCENARIO.feature.changes);
  git(dir, 'checkout', '--quiet', 'main');
  return { dir, shas: { first, second, feature } };
}

/** A bare remote holding one commit with `files`, as nestor-config would be. */
export function makeSeededRemote(files: Record<string, string>, parent = tempDir()): string {
  const remote = makeBareRepo(parent);
  const seed = join(parent, 'seed');
  git(parent, 'clone', '--quiet', remote, seed);
  commitFiles(seed, 'seed', files);
  git(seed, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
  return remote;
}

/** The shell command that pushes `clone`'s HEAD to its origin's main, runnable from inside another repository's hook. */
export function pushFromHook(clone: string): string {
  return `env -u GIT_DIR -u GIT_INDEX_FILE -u GIT_WORK_TREE git -C '${clone}' push --quiet origin HEAD:refs/heads/main`;
}

let hooksWritten = 0;

/**
 * Runs the shell `command` the moment a commit lands on `main` in the work tree `repo` (once: a
 * `reference-transaction` hook that leaves `marker` behind when it has run). Returns `marker`.
 */
export function onNextCommit(repo: string, command: string, marker = join(repo, '.git', 'hooks', `ran-${(hooksWritten += 1)}`)): string {
  const hook = join(repo, '.git', 'hooks', 'reference-transaction');
  writeFileSync(hook, [
    '#!/bin/sh',
    '[ "$1" = committed ] || exit 0',
    "grep -q ' refs/heads/main$' || exit 0",
    `[ -e '${marker}' ] && exit 0`,
    `touch '${marker}'`,
    command,
    '',
  ].join('\n'));
  chmodSync(hook, 0o755);
  return marker;
}
