// What only the Redis drift board has: its hash can hold what no worker of this version wrote (by
// hand, another version, a cut write). Such a field is skipped on read, silently, the other apps
// of the environment read as usual, and the next publish for its app replaces it.
import { describe, expect, it } from 'vitest';
import { RedisDriftBoard } from '../../../src/adapters/redis/redis-drift-board.js';
import type { DriftEntry } from '../../../src/core/ports/drift-board.js';
import { redisClient, uniqueName } from '../../support/redis.js';

const redis = redisClient();
const entry: DriftEntry = { state: 'drifted', changes: ['edited Deployment dev3/mary-web (spec.replicas)'], checkedAt: '2026-12-01T09:00:00.000Z', source: 'report' };

const MALFORMED: Record<string, string> = {
  'not-json': '{"state":"clean",',
  'a-string': '"clean"',
  'null': 'null',
  'an-array': '[]',
  'no-state': JSON.stringify({ ...entry, state: undefined }),
  'unknown-state': JSON.stringify({ ...entry, state: 'weird' }),
  'changes-not-strings': JSON.stringify({ ...entry, changes: [{ object: 'Deployment' }] }),
  'changes-not-a-list': JSON.stringify({ ...entry, changes: { 1: 'edited Deployment dev3/mary-web' } }),
  // Later than any ISO time as a string: held as "newer", it would never be replaced.
  'no-time': JSON.stringify({ ...entry, checkedAt: 'yesterday' }),
  'not-utc': JSON.stringify({ ...entry, checkedAt: '2026-12-01T10:00:00+01:00' }),
  'unknown-source': JSON.stringify({ ...entry, source: 'cron' }),
  'why-not-text': JSON.stringify({ ...entry, why: 42 }),
};

describe('RedisDriftBoard', () => {
  it('skips a field that holds no well-formed entry, reads the others, and replaces it at the next publish', async () => {
    const prefix = `${uniqueName('drift-board')}:`;
    const board = new RedisDriftBoard(redis, prefix);
    await board.publish('dev3', new Map([['mary', entry]]));
    await redis.hset(`${prefix}dev3`, MALFORMED);
    expect(Object.keys(await redis.hgetall(`${prefix}dev3`))).toHaveLength(1 + Object.keys(MALFORMED).length);

    expect((await board.read(['dev3'])).get('dev3')).toEqual(new Map([['mary', entry]]));

    // A malformed entry held is not "newer" than any: a publish writes over it, even one checked long ago.
    const old: DriftEntry = { ...entry, state: 'clean', changes: [], checkedAt: '2020-01-01T00:00:00.000Z' };
    await board.publish('dev3', new Map(Object.keys(MALFORMED).map((app) => [app, old])));
    const read = (await board.read(['dev3'])).get('dev3')!;
    expect([...read.keys()].sort()).toEqual(['mary', ...Object.keys(MALFORMED)].sort());
    expect(read.get('unknown-state')).toEqual(old);
  });
});
