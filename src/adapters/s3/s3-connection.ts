// One S3 client per object-store location, built on first use: @aws-sdk/client-s3 (and
// lib-storage's multipart Upload) are imported only then, so that a process whose config names no
// bucket never loads them. Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, a web identity token for IRSA, a profile...), or from `credentials` in
// tests; they are never in config, messages or logs. What fails becomes a DatastoreFailed naming
// the bucket and key: retryable for a network error, a throttle or a 5xx, not for a refusal.
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { ObjectStoreLocation } from '../../core/config/snapshot-settings.js';
import { ErrorCode, NestorError } from '../../core/errors.js';

export type S3Sdk = typeof import('@aws-sdk/client-s3');
export type S3Storage = typeof import('@aws-sdk/lib-storage');

export interface S3Connection {
  sdk: S3Sdk;
  storage: S3Storage;
  client: S3Client;
}

export interface S3ConnectionOptions {
  /** Static credentials (tests); production leaves them to the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Attempts per request, the SDK's retries included (default 3). */
  maxAttempts?: number;
}

export function s3Connection(location: ObjectStoreLocation, options: S3ConnectionOptions = {}): () => Promise<S3Connection> {
  let connecting: Promise<S3Connection> | undefined;
  return () => (connecting ??= connect(location, options));
}

async function connect(location: ObjectStoreLocation, options: S3ConnectionOptions): Promise<S3Connection> {
  const [sdk, storage] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]);
  const region = location.region ?? (location.endpoint ? process.env.AWS_REGION ?? 'us-east-1' : undefined);
  const config: S3ClientConfig = {
    ...(region ? { region } : {}),
    ...(location.endpoint ? {
      endpoint: location.endpoint,
      // S3-compatible stores often refuse the checksums AWS S3 now asks by default.
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    } : {}),
    ...(location.forcePathStyle === undefined ? {} : { forcePathStyle: location.forcePathStyle }),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
  };
  return { sdk, storage, client: new sdk.S3Client(config) };
}

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** Whether an SDK error says the object (or upload) is not there. */
export function isMissing(error: unknown): boolean {
  const e = error as SdkError;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket';
}

const NETWORK = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|EHOSTUNREACH|TimeoutError)$/;

/** What a user reads of an SDK error: its S3 code and status, or the network failure; never a credential. */
function reasonOf(error: SdkError): { text: string; retryable: boolean } {
  const status = error.$metadata?.httpStatusCode;
  if (error.name === 'CredentialsProviderError') {
    return { text: 'no AWS credentials found (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a web identity or a profile)', retryable: false };
  }
  if (/region is missing/i.test(error.message ?? '')) return { text: 'no region: set datastore_snapshots.region or AWS_REGION', retryable: false };
  const code = error.code ?? error.name ?? 'Error';
  if (status === undefined || NETWORK.test(code)) return { text: `unreachable (${code}${error.message && !error.message.includes('\n') ? `: ${error.message}` : ''})`, retryable: true };
  const retryable = status >= 500 || status === 429 || error.name === 'SlowDown' || Boolean(error.$retryable);
  return { text: `${error.name ?? 'error'} (HTTP ${status})`, retryable };
}

/** The DatastoreFailed of a failed `action` (`upload`, `read`, `list`...) on `s3://bucket/key`. */
export function objectStoreFailed(action: string, bucket: string, key: string, error: unknown): NestorError {
  if (error instanceof NestorError) return error;
  const { text, retryable } = reasonOf(error as SdkError);
  const e = error as SdkError;
  return new NestorError(ErrorCode.DatastoreFailed, `could not ${action} s3://${bucket}/${key}: ${text}`, {
    retryable, detail: { bucket, key, error: e?.name, status: e?.$metadata?.httpStatusCode },
  });
}
