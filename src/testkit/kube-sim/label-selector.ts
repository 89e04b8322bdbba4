/** Label and field selectors, parsed the way the API server parses them. */
import { ApiError } from './api-error.js';
import { getIn, type JsonValue } from './object-util.js';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: readonly string[] }
  | { key: string; op: 'exists' | '!exists' };

export type Selector = readonly Requirement[];

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function invalid(selector: string, why: string): ApiError {
  return new ApiError(400, 'BadRequest', `unable to parse requirement: ${why} in label selector "${selector}"`);
}

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key)) throw invalid(selector, `invalid label key "${key}"`);
  return key;
}

function checkValue(value: string, selector: string): string {
  if (!VALUE.test(value) || value.length > 63) throw invalid(selector, `invalid label value: "${value}"`);
  return value;
}

function parseRequirement(part: string, selector: string): Requirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (setMatch) {
    const [, key = '', op = 'in', list = ''] = setMatch;
    const values = list.split(',').map((v) => checkValue(v.trim(), selector));
    return { key: checkKey(key, selector), op: op === 'in' ? 'in' : 'notin', values };
  }
  const eqMatch = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (eqMatch) {
    const [, key = '', op = '=', value = ''] = eqMatch;
    const values = [checkValue(value, selector)];
    return { key: checkKey(key, selector), op: op === '!=' ? 'notin' : 'in', values };
  }
  if (part.startsWith('!')) return { key: checkKey(part.slice(1).trim(), selector), op: '!exists' };
  return { key: checkKey(part, selector), op: 'exists' };
}

export function parseLabelSelector(selector: string | undefined): Selector {
  if (selector === undefined || selector.trim() === '') return [];
  return splitTopLevel(selector).map((part) => parseRequirement(part, selector));
}

function matchesRequirement(req: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'exists': return has;
    case '!exists': return !has;
    case 'in': return has && value !== undefined && req.values.includes(value);
    case 'notin': return !has || value === undefined || !req.values.includes(value);
  }
}

export function matchesLabels(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  return selector.every((req) => matchesRequirement(req, labels));
}

export interface FieldRequirement {
  path: readonly string[];
  value: string;
  negate: boolean;
}

export function parseFieldSelector(selector: string | undefined): readonly FieldRequirement[] {
  if (selector === undefined || selector.trim() === '') return [];
  return splitTopLevel(selector).map((part) => {
    const match = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!match) {
      throw new ApiError(400, 'BadRequest', `invalid selector: '${selector}'; can't understand '${part}'`);
    }
    const [, field = '', op = '=', value = ''] = match;
    return { path: field.split('.'), value: value.trim(), negate: op === '!=' };
  });
}

function fieldText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function matchesFields(requirements: readonly FieldRequirement[], obj: JsonValue): boolean {
  return requirements.every((req) => (fieldText(getIn(obj, req.path)) === req.value) !== req.negate);
}
