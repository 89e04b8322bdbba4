// The file of a Redis snapshot: a header line, then one record per key, each its name, its DUMP
// payload and its time to live in milliseconds at the snapshot (-1: none), lengths as 32-bit
// big-endian numbers, so binary keys and values survive. Written and read as streams.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { ErrorCode, NestorError } from '../../core/errors.js';

export const REDIS_SNAPSHOT_HEADER = Buffer.from('NESTOR-REDIS-SNAPSHOT 1\n');

export interface RedisRecord {
  key: Buffer;
  payload: Buffer;
  /** Milliseconds; -1 when the key does not expire. */
  ttlMs: number;
}

export interface RecordWriter {
  write(record: RedisRecord): Promise<void>;
  /** Flushes and closes the file; its size in bytes. */
  close(): Promise<number>;
  /** Closes the file after a failure. */
  destroy(): void;
}

export async function openRecordWriter(file: string): Promise<RecordWriter> {
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  await once(out, 'open');
  let bytes = 0;
  const put = async (chunk: Buffer) => {
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await put(REDIS_SNAPSHOT_HEADER);
  return {
    write: async ({ key, payload, ttlMs }) => {
      const head = Buffer.alloc(4);
      head.writeUInt32BE(key.length);
      const middle = Buffer.alloc(4);
      middle.writeUInt32BE(payload.length);
      const tail = Buffer.alloc(8);
      tail.writeBigInt64BE(BigInt(ttlMs));
      await put(Buffer.concat([head, key, middle, payload, tail]));
    },
    close: async () => {
      out.end();
      await once(out, 'finish');
      return bytes;
    },
    destroy: () => out.destroy(),
  };
}

/** The records of a snapshot file in order; a truncated or foreign file is a DatastoreFailed error naming `what`. */
export async function* readRecords(file: string, what: string): AsyncGenerator<RedisRecord> {
  const bad = (why: string) => new NestorError(ErrorCode.DatastoreFailed, `the Redis snapshot ${what} ${why}`);
  let buffer: Buffer = Buffer.alloc(0);
  let headerSeen = false;
  for await (const chunk of createReadStream(file)) {
    buffer = buffer.length === 0 ? (chunk as Buffer) : Buffer.concat([buffer, chunk as Buffer]);
    if (!headerSeen) {
      if (buffer.length < REDIS_SNAPSHOT_HEADER.length) continue;
      if (!buffer.subarray(0, REDIS_SNAPSHOT_HEADER.length).equals(REDIS_SNAPSHOT_HEADER)) throw bad('is not a Nestor Redis snapshot');
      buffer = buffer.subarray(REDIS_SNAPSHOT_HEADER.length);
      headerSeen = true;
    }
    for (;;) {
      const record = nextRecord(buffer);
      if (!record) break;
      buffer = buffer.subarray(record.size);
      yield record.record;
    }
  }
  if (!headerSeen || buffer.length > 0) throw bad('is truncated');
}

function nextRecord(buffer: Buffer): { record: RedisRecord; size: number } | undefined {
  if (buffer.length < 4) return undefined;
  const keyLength = buffer.readUInt32BE(0);
  if (buffer.length < 8 + keyLength) return undefined;
  const payloadLength = buffer.readUInt32BE(4 + keyLength);
  const size = 8 + keyLength + payloadLength + 8;
  if (buffer.length < size) return undefined;
  const key = buffer.subarray(4, 4 + keyLength);
  const payload = buffer.subarray(8 + keyLength, 8 + keyLength + payloadLength);
  const ttlMs = Number(buffer.readBigInt64BE(8 + keyLength + payloadLength));
  return { record: { key, payload, ttlMs }, size };
}
