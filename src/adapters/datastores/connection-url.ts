// What every driver checks first: it was given a datastore of its kind, and a connection URL
// that parses, has one of its schemes and no password (connectionOf took it apart). Messages
// name the datastore and never repeat the URL.
import { ErrorCode, NestorError } from '../../core/errors.js';
import type { DatastoreKind, DatastoreTarget } from '../../core/ports/datastores.js';

export type TargetOfKind<K extends DatastoreKind> = Extract<DatastoreTarget, { kind: K }>;

export function targetOfKind<K extends DatastoreKind>(target: DatastoreTarget, kind: K): TargetOfKind<K> {
  if (target.kind !== kind) throw new NestorError(ErrorCode.Internal, `the ${kind} driver was given a ${target.kind} datastore`);
  return target as TargetOfKind<K>;
}

export interface ParsedConnection {
  url: URL;
  /** `<env>/<datastore>`. */
  where: string;
  /** A BadInput error about the connection: `the connection of datastore dev3/main-db <why>`. */
  bad(why: string): NestorError;
}

/** `schemes` like `['postgresql:', 'postgres:']`; `example` shows the expected form. */
export function connectionUrl(target: TargetOfKind<'postgresql' | 'redis'>, schemes: readonly string[], example: string): ParsedConnection {
  const where = `${target.env}/${target.name}`;
  const bad = (why: string) => new NestorError(ErrorCode.BadInput, `the connection of datastore ${where} ${why}`);
  let url: URL;
  try {
    url = new URL(target.connection.url);
  } catch {
    throw bad(`is not a URL (${example})`);
  }
  if (!schemes.includes(url.protocol)) throw bad(`has scheme ${url.protocol} (expected ${schemes.join(' or ')})`);
  if (url.password !== '') throw bad('holds a password in its URL (give it apart, as a Secret)');
  return { url, where, bad };
}
