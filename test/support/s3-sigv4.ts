// The S3 stand-in's check of a request's AWS Signature Version 4, as S3 does it: the canonical
// request rebuilt from what arrived (method, path as sent, sorted query, the signed headers, the
// payload hash the client declared), signed with the secret of the access key it names. A body
// whose declared SHA-256 is not its own is refused too. `aws-chunked` bodies are decoded here.
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type SignatureCheck = { ok: true; accessKey: string } | { ok: false; code: string; message: string };

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const escape = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(query: string): string {
  return query.split('&').filter((pair) => pair !== '').map((pair) => {
    const at = pair.indexOf('=');
    const [key, value] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    return [decodeURIComponent(key), decodeURIComponent(value)] as const;
  }).filter(([key]) => key !== 'X-Amz-Signature')
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${escape(key)}=${escape(value)}`).join('&');
}

export function checkSignature(req: IncomingMessage, body: Buffer, secrets: ReadonlyMap<string, string>): SignatureCheck {
  const match = AUTHORIZATION.exec(req.headers.authorization ?? '');
  if (!match) return { ok: false, code: 'AccessDenied', message: 'the request is not signed with AWS Signature Version 4' };
  const [, accessKey = '', date = '', region = '', signedHeaders = '', signature = ''] = match;
  const secret = secrets.get(accessKey);
  if (secret === undefined) return { ok: false, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(date)) return { ok: false, code: 'AccessDenied', message: 'x-amz-date does not match the credential scope' };
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? sha256(body));
  if (/^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== sha256(body)) {
    return { ok: false, code: 'XAmzContentSHA256Mismatch', message: 'The provided x-amz-content-sha256 header does not match what was computed.' };
  }
  const [path = '/', query = ''] = (req.url ?? '/').split('?', 2) as [string, string?];
  const headers = signedHeaders.split(';').map((name) => {
    const value = req.headers[name];
    return `${name}:${(Array.isArray(value) ? value.join(',') : value ?? '').trim().replace(/\s+/g, ' ')}\n`;
  }).join('');
  const canonical = [req.method, path, canonicalQuery(query), headers, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
  if (createHmac('sha256', key).update(toSign).digest('hex') !== signature) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
  }
  return { ok: true, accessKey };
}

/** The data of an `aws-chunked` body (`<hex size>[;chunk-signature=...]\r\n<data>\r\n` ... `0\r\n<trailers>\r\n\r\n`). */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const end = body.indexOf('\r\n', at);
    if (end < 0) throw new Error('truncated aws-chunked body');
    const size = Number.parseInt(body.subarray(at, end).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) throw new Error('malformed aws-chunked body');
    if (size === 0) return Buffer.concat(parts);
    parts.push(body.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
}
