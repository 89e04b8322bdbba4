// The SourceRepo contract, run on the fake and on the git adapter alike.

import { describe, expect, it } from 'vitest';
import { ErrorCode, NestorError } from '../../src/core/errors.js';
import type { SourceRepo } from '../../src/core/ports/source-repo.js';
import { APP_SCENARIO, type AppRepoShas } from '../support/git-fixtures.js';

export interface SourceRepoWorld {
  repo: SourceRepo;
  /** An origin holding the APP_SCENARIO history. */
  origin: string;
  /** An origin that cannot be reached. */
  unreachableOrigin: string;
  shas: AppRepoShas;
  /** A developer pushes a commit on main at the origin; returns its sha. */
  pushToMain(subject: string, changes: Record<string, string>): Promise<string>;
}

async function failure(promise: Promise<unknown>): Promise<NestorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NestorError);
  return error as NestorError;
}

export function sourceRepoContract(name: string, makeWorld: () => Promise<SourceRepoWorld>): void {
  describe.concurrent(`SourceRepo contract: ${name}`, () => {
    it('resolves branches, annotated and lightweight tags, full and short shas', async () => {
      const { repo, origin, shas } = await makeWorld();
      expect(await repo.resolve(origin, 'main')).toEqual({ ref: 'main', sha: shas.second, kind: 'branch' });
      expect(await repo.resolve(origin, 'feature-x')).toEqual({ ref: 'feature-x', sha: shas.feature, kind: 'branch' });
      expect(await repo.resolve(origin, 'v1.0.0')).toEqual({ ref: 'v1.0.0', sha: shas.first, kind: 'tag' });
      expect(await repo.resolve(origin, 'v1.1.0')).toEqual({ ref: 'v1.1.0', sha: shas.second, kind: 'tag' });
      expect(await repo.resolve(origin, shas.feature)).toEqual({ ref: shas.feature, sha: shas.feature, kind: 'sha' });
      const short = shas.first.slice(0, 10);
      expect(await repo.resolve(origin, short)).toEqual({ ref: short, sha: shas.first, kind: 'sha' });
    });

    it('gives the newest commit of a branch that moved since the last look', async () => {
      const world = await makeWorld();
      expect((await world.repo.resolve(world.origin, 'main')).sha).toBe(world.shas.second);
      const newer = await world.pushToMain('third', { 'README.md': 'hello\n' });
      expect(await world.repo.resolve(world.origin, 'main')).toEqual({ ref: 'main', sha: newer, kind: 'branch' });
      expect(await world.repo.readFile(world.origin, newer, 'README.md')).toBe('hello\n');
    });

    it('reads Procfile and Cronfile at a commit, undefined when absent', async () => {
      const { repo, origin, shas } = await makeWorld();
      expect(await repo.readFile(origin, shas.first, 'Procfile')).toBe(APP_SCENARIO.first.changes.Procfile);
      expect(await repo.readFile(origin, shas.first, 'Cronfile')).toBe(APP_SCENARIO.first.changes.Cronfile);
      expect(await repo.readFile(origin, shas.second, 'Procfile')).toBe(APP_SCENARIO.second.changes.Procfile);
      expect(await repo.readFile(origin, shas.feature, 'Cronfile')).toBeUndefined();
    });

    it('lists commit subjects between two shas, newest first', async () => {
      const { repo, origin, shas } = await makeWorld();
      const log = await repo.changelog(origin, shas.first, shas.feature);
      expect(log.map((c) => [c.sha, c.subject])).toEqual([
        [shas.feature, APP_SCENARIO.feature.subject],
        [shas.second, APP_SCENARIO.second.subject],
      ]);
      expect(await repo.changelog(origin, shas.second, shas.second)).toEqual([]);
      expect((await repo.changelog(origin, undefined, shas.second, 1)).map((c) => c.sha)).toEqual([shas.second]);
    });

    it('names an unknown ref and the origin in one line', async () => {
      const { repo, origin } = await makeWorld();
      for (const ref of ['nope', 'deadbee', 'feature/none']) {
        const error = await failure(repo.resolve(origin, ref));
        expect(error.code).toBe(ErrorCode.BadInput);
        expect(error.retryable).toBe(false);
        expect(error.message).toBe(`no branch, tag or commit named ${ref} in ${origin}`);
      }
    });

    it('refuses shell-like and malformed refs before touching git', async () => {
      const { repo, origin } = await makeWorld();
      for (const ref of ['main;curl x|sh', '$(id)', '`id`', '-upload-pack=x', 'a..b', 'main branch', 'x\ny', '']) {
        const error = await failure(repo.resolve(origin, ref));
        expect(error.code).toBe(ErrorCode.BadInput);
        expect(error.message.split('\n')).toHaveLength(1);
      }
    });

    it('resolves a branch on the origin itself, moved or not, and names an unknown one', async () => {
      const world = await makeWorld();
      expect(await world.repo.resolveRemote(world.origin, 'feature-x')).toEqual({ ref: 'feature-x', sha: world.shas.feature, kind: 'branch' });
      expect((await world.repo.resolveRemote(world.origin, 'main')).sha).toBe(world.shas.second);
      const newer = await world.pushToMain('third', { 'README.md': 'hello\n' });
      expect(await world.repo.resolveRemote(world.origin, 'main')).toEqual({ ref: 'main', sha: newer, kind: 'branch' });
      for (const branch of ['nope', 'v1.0.0']) {
        const error = await failure(world.repo.resolveRemote(world.origin, branch));
        expect(error.code).toBe(ErrorCode.BadInput);
        expect(error.message).toBe(`no branch, tag or commit named ${branch} in ${world.origin}`);
      }
      expect((await failure(world.repo.resolveRemote(world.origin, '$(id)'))).code).toBe(ErrorCode.BadInput);
      const unreachable = await failure(world.repo.resolveRemote(world.unreachableOrigin, 'main'));
      expect([unreachable.code, unreachable.retryable]).toEqual([ErrorCode.GitFailed, true]);
    });

    it('reports an unreachable origin as retryable', async () => {
      const { repo, unreachableOrigin } = await makeWorld();
      const error = await failure(repo.resolve(unreachableOrigin, 'main'));
      expect(error.code).toBe(ErrorCode.GitFailed);
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(unreachableOrigin);
    });
  });
}
