import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/core/ports/cluster.js';
import { compareRelease, isClean, summarizeDiff } from '../../../src/core/release/compare.js';
import { objectKey } from '../../../src/core/release/diff.js';

const labels = { app: 'mary', 'app.kubernetes.io/managed-by': 'nestor', 'nestor.io/environment': 'dev3' };
const configMap = (data: Record<string, string>, name = 'mary'): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'dev3', labels }, data });
const secret = (value: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mary-secrets', namespace: 'dev3' }, data: { DSN: Buffer.from(value).toString('base64') } });
const web = (): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mary-web', namespace: 'dev3', labels }, spec: {} });
/** What the API server returns: the object plus server-set fields. */
const served = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, uid: 'u-1', resourceVersion: '42' } });
const liveOf = (...objects: KubeObject[]) => new Map(objects.map((o) => [objectKey(o), served(o)]));

describe('compareRelease', () => {
  it('is clean when live, the release and a fresh render agree (server fields ignored)', () => {
    const objects = [configMap({ A: '1' }), secret('s3cret')];
    const [c] = compareRelease([{ cluster: 'dev', recorded: objects, fresh: objects, live: liveOf(...objects), owned: [served(objects[0]!)] }]);
    expect(isClean(c!.redeploy) && isClean(c!.drift)).toBe(true);
    expect(summarizeDiff('dev', c!.drift, 'live matches the release')).toBe('dev: live matches the release');
  });

  it('separates config drift (redeploy) from hand edits (drift), and masks Secret values both ways', () => {
    const recorded = [configMap({ A: '1' }), secret('old-secret')];
    const fresh = [configMap({ A: '2' }), secret('new-secret')];
    const live = liveOf(configMap({ A: '1' }), secret('hand-secret'));
    const [c] = compareRelease([{ cluster: 'dev', recorded, fresh, live, owned: [] }]);
    expect(c!.redeploy.changes.map((x) => x.change)).toEqual(['update', 'update']);
    expect(c!.redeploy.text).toMatch(/-\s+A: '1'\n\+\s+A: '2'/);
    expect(c!.redeploy.text).toMatch(/-\s+DSN: \(live value\)\n\+\s+DSN: \(rendered value\)/);
    expect(c!.drift.changes.map((x) => x.change)).toEqual(['unchanged', 'update']);
    expect(c!.drift.text).toContain('--- recorded/Secret dev3/mary-secrets\n+++ live/Secret dev3/mary-secrets');
    expect(c!.drift.text).toMatch(/-\s+DSN: \(recorded value\)\n\+\s+DSN: \(live value\)/);
    for (const value of ['old-secret', 'new-secret', 'hand-secret']) {
      expect(c!.redeploy.text + c!.drift.text).not.toContain(Buffer.from(value).toString('base64'));
    }
  });

  it('shows objects deleted or added by hand, and what a redeploy would prune', () => {
    const recorded = [configMap({ A: '1' }), configMap({ B: '1' }, 'mary-extra')];
    const extra = served(configMap({}, 'mary-by-hand'));
    const [c] = compareRelease([{ cluster: 'dev', recorded, fresh: [recorded[0]!, web()], live: liveOf(recorded[0]!), owned: [served(recorded[0]!), extra] }]);
    expect(c!.drift.changes).toContainEqual({ object: 'ConfigMap dev3/mary-extra', change: 'create', fields: [] });
    expect(c!.drift.text).toContain('--- /dev/null\n+++ live/ConfigMap dev3/mary-by-hand\n(live only: not in the release)');
    expect(c!.redeploy.changes).toContainEqual({ object: 'ConfigMap dev3/mary-by-hand', change: 'delete', fields: [] });
  });

  it('never shows a prune for a fresh render that runs nothing (it would be refused)', () => {
    const recorded = [configMap({ A: '1' }), web()];
    const [c] = compareRelease([{ cluster: 'dev', recorded, fresh: [recorded[0]!], live: liveOf(...recorded), owned: recorded.map(served) }]);
    expect(c!.redeploy.changes).toEqual([{ object: 'ConfigMap dev3/mary', change: 'unchanged', fields: [] }]);
  });

  it('never shows a prune for an empty fresh render', () => {
    const recorded = [configMap({ A: '1' })];
    const [c] = compareRelease([{ cluster: 'gone', recorded, fresh: [], live: liveOf(...recorded), owned: [served(recorded[0]!)] }]);
    expect(c!.redeploy.changes).toEqual([]);
    expect(isClean(c!.drift)).toBe(true);
  });
});
