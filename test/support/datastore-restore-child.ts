// A separate process running one datastore restore, for the tests that kill a restore midway.
// The target comes on standard input as JSON (its password too: never argv); prints `restored`.
// Usage: node --import tsx datastore-restore-child.ts < {"kind","env","name","url","password","file","snapshotId"}
import { text } from 'node:stream/consumers';
import { postgresDriver } from '../../src/adapters/datastores/postgres-driver.js';
import { redisDriver } from '../../src/adapters/datastores/redis-driver.js';
import { SecretText, type DatastoreTarget } from '../../src/core/ports/datastores.js';

const input = JSON.parse(await text(process.stdin)) as {
  kind: 'postgresql' | 'redis'; env: string; name: string; url: string; password?: string; file: string; snapshotId: string;
};
const connection = { url: input.url, ...(input.password === undefined ? {} : { password: SecretText.of(input.password) }) };
const target = { env: input.env, name: input.name, kind: input.kind, connection } as DatastoreTarget;
const driver = input.kind === 'postgresql' ? postgresDriver() : redisDriver();
await driver.restore(target, input.file, { snapshotId: input.snapshotId, runId: 'child' });
process.stdout.write('restored\n');
