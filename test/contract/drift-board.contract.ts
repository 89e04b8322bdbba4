// The DriftBoard contract, run on the in-memory fake and on Redis alike.
import { describe, expect, it } from 'vitest';
import type { DriftBoard, DriftEntry } from '../../src/core/ports/drift-board.js';

const entry = (checkedAt: string, extra: Partial<DriftEntry> = {}): DriftEntry => ({ state: 'clean', changes: [], checkedAt, source: 'report', ...extra });
const drifted = (checkedAt: string): DriftEntry => entry(checkedAt, { state: 'drifted', changes: ['edited Deployment dev3/mary-web (spec.replicas)', 'deleted Service dev3/mary'] });

/** `open()` gives another client of the same board (a worker publishing, the api reading). */
export function driftBoardContract(name: string, open: () => DriftBoard): void {
  describe.concurrent(`DriftBoard contract: ${name}`, () => {
    it('gives back what was published, per environment and app; an environment never published is empty', async () => {
      const env = `e${Math.random().toString(36).slice(2)}`;
      const other = `${env}-other`;
      await open().publish(env, new Map([['mary', drifted('2026-12-01T09:00:01.000Z')], ['pricing', entry('2026-12-01T09:00:01.000Z')]]));
      await open().publish(other, new Map([['mary', entry('2026-12-01T09:00:02.000Z', { state: 'unknown', why: 'kapten_dev_eu-w1 unreadable: connection refused' })]]));
      const read = await open().read([env, other, `${env}-never`]);
      expect([...read.keys()]).toEqual([env, other, `${env}-never`]);
      expect(read.get(env)).toEqual(new Map([['mary', drifted('2026-12-01T09:00:01.000Z')], ['pricing', entry('2026-12-01T09:00:01.000Z')]]));
      expect(read.get(other)?.get('mary')).toEqual(entry('2026-12-01T09:00:02.000Z', { state: 'unknown', why: 'kapten_dev_eu-w1 unreadable: connection refused' }));
      expect(read.get(`${env}-never`)).toEqual(new Map());
      expect(await open().read([])).toEqual(new Map());
    });

    it('keeps the newer entry of an app: a report read before a release finished does not undo it; the same time replaces', async () => {
      const env = `e${Math.random().toString(36).slice(2)}`;
      await open().publish(env, new Map([['mary', entry('2026-12-01T09:05:00.000Z', { source: 'release' })]]));
      await open().publish(env, new Map([['mary', drifted('2026-12-01T09:00:00.000Z')], ['pricing', drifted('2026-12-01T09:00:00.000Z')]]));
      const read = (await open().read([env])).get(env);
      expect(read?.get('mary')).toEqual(entry('2026-12-01T09:05:00.000Z', { source: 'release' }));
      expect(read?.get('pricing')).toEqual(drifted('2026-12-01T09:00:00.000Z'));
      await open().publish(env, new Map([['mary', drifted('2026-12-01T09:05:00.000Z')]]));
      await open().publish(env, new Map([['pricing', entry('2026-12-01T10:00:00.000Z', { source: 'release' })]]));
      const later = (await open().read([env])).get(env);
      expect(later?.get('mary')).toEqual(drifted('2026-12-01T09:05:00.000Z'));
      expect(later?.get('pricing')).toEqual(entry('2026-12-01T10:00:00.000Z', { source: 'release' }));
    });

    it('holds what it is given as data: an entry read back is not the one published, and nothing is published for no app', async () => {
      const env = `e${Math.random().toString(36).slice(2)}`;
      const published = drifted('2026-12-01T09:00:00.000Z');
      await open().publish(env, new Map([['mary', published]]));
      published.changes.push('changed after publishing');
      await open().publish(env, new Map());
      const read = (await open().read([env])).get(env)!;
      expect(read.get('mary')?.changes).toHaveLength(2);
      read.get('mary')!.changes.push('changed after reading');
      expect((await open().read([env])).get(env)?.get('mary')?.changes).toHaveLength(2);
    });
  });
}
