// Reading API answers: objects, lists (whose items lack apiVersion and kind) and events.
import type { KindRef, KubeEvent, KubeObject, ObjectRef } from '../../../core/ports/cluster.js';
import { compareText } from '../../../core/text/compare-text.js';

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function asObject(value: unknown, kind: KindRef): KubeObject {
  const obj = record(value);
  const metadata = record(obj['metadata']);
  return { ...obj, apiVersion: text(obj['apiVersion']) ?? kind.apiVersion, kind: text(obj['kind']) ?? kind.kind, metadata: { ...metadata, name: text(metadata['name']) ?? '' } };
}

export function parseObject(body: string, kind: KindRef): KubeObject {
  return asObject(JSON.parse(body), kind);
}

/** One line of a watch: its type (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) and object. */
export function watchEventOf(line: string, kind: KindRef): { type: string; object: KubeObject } {
  const event = record(JSON.parse(line));
  return { type: text(event['type']) ?? '', object: asObject(event['object'], kind) };
}

/** The items of a list answer, each given the apiVersion and kind of the query. */
export function itemsOf(body: string, kind: KindRef): KubeObject[] {
  const items = record(JSON.parse(body))['items'];
  return Array.isArray(items) ? items.map((item) => asObject({ ...record(item), apiVersion: kind.apiVersion, kind: kind.kind }, kind)) : [];
}

function involvedOf(value: unknown): ObjectRef {
  const o = record(value);
  const ref: ObjectRef = { apiVersion: text(o['apiVersion']) ?? '', kind: text(o['kind']) ?? '', name: text(o['name']) ?? '' };
  const namespace = text(o['namespace']);
  if (namespace !== undefined) ref.namespace = namespace;
  return ref;
}

function eventOf(value: unknown): KubeEvent {
  const e = record(value);
  const series = record(e['series']);
  const lastTimestamp = text(e['lastTimestamp']) ?? text(series['lastObservedTime']) ?? text(e['eventTime']) ?? text(e['firstTimestamp']);
  return {
    type: text(e['type']) ?? 'Normal',
    reason: text(e['reason']) ?? '',
    message: (text(e['message']) ?? '').trim(),
    involved: involvedOf(e['involvedObject']),
    count: typeof e['count'] === 'number' ? e['count'] : 1,
    ...(lastTimestamp !== undefined ? { lastTimestamp } : {}),
  };
}

/** Events of a list answer, oldest first. */
export function eventsOf(body: string): KubeEvent[] {
  const items = record(JSON.parse(body))['items'];
  const events = Array.isArray(items) ? items.map(eventOf) : [];
  return events.map((e, i) => ({ e, i }))
    .sort((a, b) => compareText(a.e.lastTimestamp ?? '', b.e.lastTimestamp ?? '') || a.i - b.i)
    .map((x) => x.e);
}
