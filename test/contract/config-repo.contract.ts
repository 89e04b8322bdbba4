// The ConfigRepo contract, run on the fake and on the git adapter alike.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, NestorError } from '../../src/core/errors.js';
import type { ConfigRepo } from '../../src/core/ports/config-repo.js';

export const CONFIG_SEED = {
  'production/project.yaml': 'project: kapten\nenv: production\n',
  'production/apps/mary.yaml': 'app: mary\nscales:\n  web: {minReplicas: 3, maxReplicas: 9}\n',
};

export interface ConfigWorld {
  /** A new writer on the shared nestor-config remote seeded with CONFIG_SEED. */
  open(): ConfigRepo;
  setRemoteReachable(reachable: boolean): Promise<void>;
}

const alice = { author: { name: 'Alice', email: 'alice@example.com' }, message: 'scale mary web=3:9 in production' };

export function configRepoContract(name: string, makeWorld: () => Promise<ConfigWorld>): void {
  describe.concurrent(`ConfigRepo contract: ${name}`, () => {
    it('reads files, undefined when absent, and checks out a folder', async () => {
      const repo = (await makeWorld()).open();
      expect(await repo.readFile('production/project.yaml')).toBe(CONFIG_SEED['production/project.yaml']);
      expect(await repo.readFile('staging/project.yaml')).toBeUndefined();
      const dir = await repo.checkout();
      expect(readFileSync(join(dir, 'production/apps/mary.yaml'), 'utf8')).toBe(CONFIG_SEED['production/apps/mary.yaml']);
    });

    it('commits an edit that every writer then sees, and skips a no-op edit', async () => {
      const world = await makeWorld();
      const [one, two] = [world.open(), world.open()];
      const seen: (string | undefined)[] = [];
      const result = await one.update('production/apps/mary.yaml', (old) => {
        seen.push(old);
        return `${old ?? ''}teams: [security]\n`;
      }, alice);
      expect(result.changed).toBe(true);
      expect(seen).toEqual([CONFIG_SEED['production/apps/mary.yaml']]);
      expect(await two.readFile('production/apps/mary.yaml')).toContain('teams: [security]');
      const created = await two.update('staging/apps/mary.yaml', (old) => (old === undefined ? 'app: mary\n' : old), alice);
      expect(created.changed).toBe(true);
      expect(await one.readFile('staging/apps/mary.yaml')).toBe('app: mary\n');
      const same = await one.update('staging/apps/mary.yaml', (old) => old ?? '', alice);
      expect(same).toEqual({ commit: created.commit, changed: false });
    });

    it('re-applies an edit over a concurrent writer instead of losing either change', async () => {
      const world = await makeWorld();
      const writers = [world.open(), world.open()];
      await Promise.all(
        writers.map((w, i) => w.update('production/project.yaml', (old) => `${old ?? ''}line${i}: x\n`, alice)),
      );
      const text = (await world.open().readFile('production/project.yaml')) ?? '';
      expect(text).toContain('line0: x\n');
      expect(text).toContain('line1: x\n');
    });

    it('reports an unreachable remote as retryable and changes nothing', async () => {
      const world = await makeWorld();
      const repo = world.open();
      await repo.readFile('production/project.yaml');
      await world.setRemoteReachable(false);
      const error = await repo.update('production/project.yaml', () => 'changed\n', alice).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NestorError);
      expect((error as NestorError).code).toBe(ErrorCode.GitFailed);
      expect((error as NestorError).retryable).toBe(true);
      await world.setRemoteReachable(true);
      expect(await repo.readFile('production/project.yaml')).toBe(CONFIG_SEED['production/project.yaml']);
    });

    it('refuses paths outside the repository', async () => {
      const repo = (await makeWorld()).open();
      for (const path of ['../x.yaml', '/etc/passwd', 'a/../../b', '.git/config', '']) {
        await expect(repo.readFile(path)).rejects.toMatchObject({ code: ErrorCode.BadInput });
      }
    });
  });
}
