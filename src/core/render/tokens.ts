// Opaque tokens stand for template values while the YAML structure is parsed; the real values are
// put back into the parsed tree afterwards, so no value can ever change the structure.
import { randomBytes } from 'node:crypto';
import { ErrorCode, NestorError } from '../errors.js';

/** Letters, digits and underscores only: a plain YAML scalar anywhere, random per process. */
export const TOKEN_PREFIX = `nstv${randomBytes(8).toString('hex')}_`;
const TOKEN_ALL = new RegExp(`${TOKEN_PREFIX}(\\d+)_`, 'g');
const TOKEN_EXACT = new RegExp(`^${TOKEN_PREFIX}(\\d+)_$`);

/**
 * Where a mustache is: `<template name>:<line>`, written into the compiled template as its
 * helper's argument (so a template precompiled at build time carries its own sites). Used to
 * report YAML errors at the template's line.
 */
export function siteKey(template: string, line: number): string {
  return `${template}:${line}`;
}

export function siteOf(key: string | undefined): { template: string; line: number } | undefined {
  const at = key?.lastIndexOf(':') ?? -1;
  if (key === undefined || at < 0) return undefined;
  return { template: key.slice(0, at), line: Number(key.slice(at + 1)) };
}

/** The values of one render, in token order. */
export interface ValueTable {
  values: unknown[];
  sites: string[];
}

export function tokenFor(table: ValueTable, value: unknown, site: string): string {
  table.values.push(value);
  table.sites.push(site);
  return `${TOKEN_PREFIX}${table.values.length - 1}_`;
}

/** Every token in `text` with its offset, in order. */
export function tokenOffsets(text: string): { index: number; offset: number; length: number }[] {
  return [...text.matchAll(TOKEN_ALL)].map((m) => ({ index: Number(m[1]), offset: m.index, length: m[0].length }));
}

const OMIT = Symbol('omit');

/**
 * A copy of the parsed skeleton with tokens replaced: a scalar that is exactly one token takes the
 * typed value (an `undefined` value removes its key or list item); a token inside a longer string
 * is replaced by the value as text. The skeleton itself is never modified (it may be cached).
 */
export function fillTokens(node: unknown, values: readonly unknown[]): unknown {
  const out = fill(node, values);
  return out === OMIT ? undefined : out;
}

function fill(node: unknown, values: readonly unknown[]): unknown {
  if (typeof node === 'string') return fillString(node, values);
  if (Array.isArray(node)) {
    const list: unknown[] = [];
    for (const item of node) {
      const v = fill(item, values);
      if (v !== OMIT) list.push(v);
    }
    return list;
  }
  if (node !== null && typeof node === 'object') return fillMap(node as Record<string, unknown>, values);
  return node;
}

function fillMap(node: Record<string, unknown>, values: readonly unknown[]): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const key of Object.keys(node)) {
    const v = fill(node[key], values);
    if (v === OMIT) continue;
    const k = key.includes(TOKEN_PREFIX) ? interpolate(key, values) : key;
    if (Object.prototype.hasOwnProperty.call(map, k)) {
      throw new NestorError(ErrorCode.RenderFailed, `duplicate key "${k}" after inserting values`);
    }
    setKey(map, k, v);
  }
  return map;
}

function fillString(s: string, values: readonly unknown[]): unknown {
  if (!s.includes(TOKEN_PREFIX)) return s;
  const exact = TOKEN_EXACT.exec(s);
  if (!exact) return interpolate(s, values);
  const value = values[Number(exact[1])];
  return value === undefined ? OMIT : copyJson(value);
}

function interpolate(s: string, values: readonly unknown[]): string {
  return s.replace(TOKEN_ALL, (_m, i: string) => asText(values[Number(i)]));
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new NestorError(ErrorCode.RenderFailed, 'a list or map value was inserted inside a text value');
}

/** Inserted values are copied so that no two objects (or the config) share mutable data. */
function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) setKey(out, key, copyJson(v));
    }
    return out;
  }
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    throw new NestorError(ErrorCode.RenderFailed, `a ${typeof value} cannot be rendered`);
  }
  return value;
}

/** A `__proto__` key is data here: define it, never let it replace the object's prototype. */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
