// A local S3 for tests, addressed path-style (`http://127.0.0.1:<port>/<bucket>/<key>`): a real
// HTTP server holding objects in memory and answering the calls the S3 snapshot store makes
// (PutObject, GetObject, HeadObject, ListObjectsV2 with prefix, delimiter and continuation,
// DeleteObject(s), and multipart uploads with S3's 5 MiB minimum part size), each only when
// SigV4-signed with a known access key; errors as S3 words them (XML with a Code). It records
// every call, and can fail the next calls of an operation on demand.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkSignature, decodeAwsChunked } from './s3-sigv4.js';
import { LocalHttpServer, readBody } from './standin-http.js';

export interface S3Call {
  operation: string;
  bucket: string;
  key: string;
  status: number;
}

interface Failure { status: number; code: string; times: number }
interface StoredObject { body: Buffer; etag: string; modified: Date; contentType: string }
interface Upload { bucket: string; key: string; parts: Map<number, Buffer> }
type Answer = { status: number; headers?: Record<string, string>; body?: string | Buffer };

const MIN_PART = 5 * 1024 * 1024;
const xml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const unxml = (text: string): string => text.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const tagged = (body: string, tag: string): string[] => [...body.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
const document = (root: string, inner: string): string => `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${root}>`;
const s3Error = (status: number, code: string, message: string, key = ''): Answer =>
  ({ status, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xml(message)}</Message><Key>${xml(key)}</Key><RequestId>standin</RequestId></Error>` });
const etagOf = (body: Buffer): string => `"${createHash('md5').update(body).digest('hex')}"`;

export class S3Standin {
  readonly calls: S3Call[] = [];
  /** Objects of each bucket by key. */
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  /** Keys per ListObjectsV2 page at most (S3: 1000), small to test continuation. */
  pageSize = 1000;
  private server: LocalHttpServer | undefined;
  private readonly secrets = new Map<string, string>();
  private readonly uploads = new Map<string, Upload>();
  private readonly failures = new Map<string, Failure>();

  constructor(readonly accessKeyId = 'AKIASTANDINTESTKEY01', readonly secretAccessKey = `standin-secret-${randomUUID()}`) {
    this.secrets.set(accessKeyId, secretAccessKey);
  }

  get endpoint(): string {
    return this.server!.url;
  }

  get credentials(): { accessKeyId: string; secretAccessKey: string } {
    return { accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey };
  }

  createBucket(name: string): void {
    this.buckets.set(name, new Map());
  }

  /** Keys of a bucket, sorted. */
  keys(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].sort();
  }

  /** The next `times` calls of `operation` (`PutObject`, `UploadPart`...) answer `status` with the S3 error `code`. */
  failNext(operation: string, status: number, code: string, times = 1): void {
    this.failures.set(operation, { status, code, times });
  }

  of(operation: string): S3Call[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  /** Multipart uploads begun and neither completed nor aborted. */
  get pendingUploads(): number {
    return this.uploads.size;
  }

  async start(): Promise<void> {
    this.server = await LocalHttpServer.start((req, res) => this.handle(req, res));
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://standin');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const operation = operationOf(req.method ?? 'GET', key, url.searchParams);
    const signed = checkSignature(req, raw, this.secrets);
    const failure = this.failures.get(operation);
    let answer: Answer;
    if (!signed.ok) answer = s3Error(403, signed.code, signed.message, key);
    else if (failure && failure.times > 0) {
      failure.times -= 1;
      answer = s3Error(failure.status, failure.code, 'failed on demand by the test', key);
    } else if (!this.buckets.has(bucket)) answer = s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', key);
    else {
      const body = String(req.headers['content-encoding'] ?? '').includes('aws-chunked') ? decodeAwsChunked(raw) : raw;
      answer = this.answer(operation, this.buckets.get(bucket)!, bucket, key, url.searchParams, body, String(req.headers['content-type'] ?? ''));
    }
    this.calls.push({ operation, bucket, key, status: answer.status });
    res.writeHead(answer.status, answer.headers ?? {});
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  }

  private answer(operation: string, objects: Map<string, StoredObject>, bucket: string, key: string, query: URLSearchParams, body: Buffer, contentType: string): Answer {
    const found = objects.get(key);
    switch (operation) {
      case 'PutObject':
        objects.set(key, { body, etag: etagOf(body), modified: new Date(), contentType });
        return { status: 200, headers: { etag: etagOf(body) } };
      case 'GetObject':
      case 'HeadObject':
        if (!found) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', key);
        return {
          status: 200, body: found.body,
          headers: { etag: found.etag, 'content-length': String(found.body.length), 'content-type': found.contentType || 'binary/octet-stream', 'last-modified': found.modified.toUTCString() },
        };
      case 'DeleteObject':
        objects.delete(key);
        return { status: 204 };
      case 'DeleteObjects': {
        const keys = tagged(body.toString('utf8'), 'Key').map(unxml);
        for (const k of keys) objects.delete(k);
        const quiet = /<Quiet>true<\/Quiet>/.test(body.toString('utf8'));
        return { status: 200, headers: { 'content-type': 'application/xml' }, body: document('DeleteResult', quiet ? '' : keys.map((k) => `<Deleted><Key>${xml(k)}</Key></Deleted>`).join('')) };
      }
      case 'ListObjectsV2':
        return this.list(objects, bucket, query);
      default:
        return this.multipart(operation, objects, bucket, key, query, body);
    }
  }

  private list(objects: Map<string, StoredObject>, bucket: string, query: URLSearchParams): Answer {
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') ?? '';
    const after = query.has('continuation-token') ? Buffer.from(query.get('continuation-token')!, 'base64url').toString('utf8') : query.get('start-after') ?? '';
    const max = Math.min(Number(query.get('max-keys') ?? 1000), this.pageSize);
    const entries = new Map<string, StoredObject | undefined>();
    for (const k of [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort()) {
      const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
      entries.set(cut < 0 ? k : k.slice(0, cut + delimiter.length), cut < 0 ? objects.get(k) : undefined);
    }
    const page = [...entries].slice(0, max);
    const truncated = entries.size > page.length;
    const last = page.at(-1)?.[0] ?? '';
    const contents = page.map(([k, o]) => (o
      ? `<Contents><Key>${xml(k)}</Key><LastModified>${o.modified.toISOString()}</LastModified><ETag>${xml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`
      : `<CommonPrefixes><Prefix>${xml(k)}</Prefix></CommonPrefixes>`)).join('');
    // A common prefix stands for all its keys: the next page starts after them.
    const token = truncated ? Buffer.from(last.endsWith(delimiter) && delimiter ? `${last}\uffff` : last).toString('base64url') : '';
    return {
      status: 200, headers: { 'content-type': 'application/xml' },
      body: document('ListBucketResult', `<Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${token}</NextContinuationToken>` : ''}${contents}`),
    };
  }

  private multipart(operation: string, objects: Map<string, StoredObject>, bucket: string, key: string, query: URLSearchParams, body: Buffer): Answer {
    if (operation === 'CreateMultipartUpload') {
      const uploadId = randomUUID();
      this.uploads.set(uploadId, { bucket, key, parts: new Map() });
      return { status: 200, headers: { 'content-type': 'application/xml' }, body: document('InitiateMultipartUploadResult', `<Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><UploadId>${uploadId}</UploadId>`) };
    }
    const uploadId = query.get('uploadId') ?? '';
    const upload = this.uploads.get(uploadId);
    if (!upload || upload.bucket !== bucket || upload.key !== key) return s3Error(404, 'NoSuchUpload', 'The specified upload does not exist.', key);
    if (operation === 'UploadPart') {
      upload.parts.set(Number(query.get('partNumber')), body);
      return { status: 200, headers: { etag: etagOf(body) } };
    }
    if (operation === 'AbortMultipartUpload') {
      this.uploads.delete(uploadId);
      return { status: 204 };
    }
    const numbers = tagged(body.toString('utf8'), 'PartNumber').map(Number);
    const parts = numbers.map((n) => upload.parts.get(n));
    if (parts.some((p) => p === undefined)) return s3Error(400, 'InvalidPart', 'One or more of the specified parts could not be found.', key);
    if (parts.slice(0, -1).some((p) => p!.length < MIN_PART)) return s3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', key);
    const whole = Buffer.concat(parts as Buffer[]);
    objects.set(key, { body: whole, etag: `"${createHash('md5').update(whole).digest('hex')}-${parts.length}"`, modified: new Date(), contentType: 'application/octet-stream' });
    this.uploads.delete(uploadId);
    return { status: 200, headers: { 'content-type': 'application/xml' }, body: document('CompleteMultipartUploadResult', `<Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><ETag>${xml(objects.get(key)!.etag)}</ETag>`) };
  }
}

/** The S3 operation a path-style request is, from its method, key and query. */
function operationOf(method: string, key: string, query: URLSearchParams): string {
  if (key === '') return method === 'POST' && query.has('delete') ? 'DeleteObjects' : method === 'GET' && query.get('list-type') === '2' ? 'ListObjectsV2' : `${method} bucket`;
  if (method === 'POST') return query.has('uploads') ? 'CreateMultipartUpload' : 'CompleteMultipartUpload';
  if (method === 'PUT') return query.has('uploadId') ? 'UploadPart' : 'PutObject';
  if (method === 'DELETE') return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
  return method === 'HEAD' ? 'HeadObject' : 'GetObject';
}

export async function startS3Standin(): Promise<S3Standin> {
  const standin = new S3Standin();
  await standin.start();
  return standin;
}
