import { describe, it, expect } from 'vitest';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../../../src/testkit/kube-sim/label-selector.js';
import { ApiError } from '../../../src/testkit/kube-sim/api-error.js';

const web = { app: 'web', tier: 'front', env: 'prod' };
const worker = { app: 'worker', env: 'staging' };

function matches(selector: string, labels: Record<string, string>): boolean {
  return matchesLabels(parseLabelSelector(selector), labels);
}

describe('label selectors', () => {
  it.each([
    ['app=web', true, false],
    ['app==web', true, false],
    ['app!=web', false, true],
    ['app in (web,worker)', true, true],
    ['app in (worker)', false, true],
    ['env notin (prod)', false, true],
    ['tier', true, false],
    ['!tier', false, true],
    ['app=web,env=prod', true, false],
    ['app in (web, worker),!tier', false, true],
    ['', true, true],
  ])('%s', (selector, onWeb, onWorker) => {
    expect(matches(selector, web)).toBe(onWeb);
    expect(matches(selector, worker)).toBe(onWorker);
  });

  it('treats a missing key as not in a notin set and as != a value', () => {
    expect(matches('tier notin (front)', worker)).toBe(true);
    expect(matches('tier!=front', worker)).toBe(true);
  });

  it('accepts prefixed keys', () => {
    expect(matches('app.kubernetes.io/name=mary', { 'app.kubernetes.io/name': 'mary' })).toBe(true);
  });

  it('refuses malformed selectors with a 400', () => {
    expect(() => parseLabelSelector('app=we b')).toThrow(ApiError);
    expect(() => parseLabelSelector('=web')).toThrow(/invalid label key/);
  });
});

describe('field selectors', () => {
  const obj = { metadata: { name: 'web', namespace: 'demo' }, status: { phase: 'Running' } };

  it('matches metadata.name and other dotted paths with = and !=', () => {
    expect(matchesFields(parseFieldSelector('metadata.name=web'), obj)).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.name==other'), obj)).toBe(false);
    expect(matchesFields(parseFieldSelector('metadata.name=web,status.phase!=Pending'), obj)).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.namespace!=demo'), obj)).toBe(false);
  });

  it('refuses a selector without an operator', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow(/invalid selector/);
  });
});
