// The sync report's Slack messages for 25 environments × 130 apps, rendered as Block Kit: one
// summary, counts first, within Slack's 50 blocks and 3,000 characters per section text; every
// app of every environment in the thread, itself split into replies within the same limits.
import { describe, expect, it } from 'vitest';
import { toBlockKit } from '../../../src/adapters/slack/block-kit.js';
import type { AppReport, EnvReport, SyncReport } from '../../../src/core/fleet/sync-report.js';
import { syncReportMessages, syncReportOutcome } from '../../../src/core/fleet/sync-report-messages.js';
import { sectionTexts, withinLimits } from '../../support/slack-limits.js';

const sha = (n: number) => n.toString(16).padStart(40, 'b');
const clean = (cluster: string) => ({ state: 'clean' as const, clusters: [{ cluster, state: 'clean' as const, changes: [] }] });

function app(env: number, i: number): AppReport {
  const name = `service-${String(i).padStart(3, '0')}-${'y'.repeat(16)}`;
  const cluster = `kapten_env${env}_eu-w1`;
  const release = { commit: sha(i + 7), app: name, env: `env${env}`, kind: 'deploy' as const, sha: sha(i), ref: 'master', user: 'alice', at: '2026-12-01T10:32:00.000Z', message: 'deploy' };
  const base: AppReport = { app: name, disabled: false, release, drift: clean(cluster), config: { state: 'in-sync', changes: [] } };
  if (i === 0) {
    return { ...base, drift: { state: 'drifted', clusters: [{ cluster, state: 'drifted', changes: [`edited Deployment env${env}/${name}-web (spec)`, `deleted Service env${env}/${name}`] }] } };
  }
  if (i === 1) return { ...base, config: { state: 'out-of-sync', changes: [{ key: 'LOG_LEVEL', change: 'changed', before: 'debug', after: 'info' }] } };
  if (i === 2) return { ...base, pin: { commit: sha(3), by: 'carol', reason: `<!channel> holding it & ${'for the audit '.repeat(6)}`, at: '2026-11-30T10:00:00.000Z' } };
  if (i === 3) return { ...base, lastFailure: { commit: sha(4), at: '2026-11-29T08:00:00.000Z', user: 'bob', text: `rollout of ${name}@bbbbbbb in env${env} failed: ${'progress deadline exceeded '.repeat(5)}` } };
  if (i === 4 && env === 24) return { ...base, drift: { state: 'unknown', clusters: [{ cluster, state: 'unknown', changes: [], why: 'connect ECONNREFUSED 10.0.0.1:443' }] } };
  return base;
}

function env(n: number): EnvReport {
  return { env: `env${n}`, channel: `tech-env${n}`, apps: Array.from({ length: 130 }, (_, i) => app(n, i)), skippedFirings: n === 3 ? ['staging-release (staging-release): succeeded; 2 firings skipped since'] : [] };
}

const report = (envs: number): SyncReport => ({ at: '2026-12-02T09:00:00.000Z', environments: Array.from({ length: envs }, (_, i) => env(i)), durationMs: 42_000 });

describe('sync report messages', () => {
  it('25 environments × 130 apps: one summary, counts first, every app of every environment in the thread', () => {
    const big = report(25);
    const { summary, thread } = syncReportMessages(big, { by: 'schedule:report', runId: 'firing-9' });
    const posted = toBlockKit(summary);
    withinLimits(posted);
    expect(posted.text).toBe('25 environments: 3250 apps: 25 drifted, 25 config out of sync, 25 pinned, 25 with a failure, 1 unknown');
    const texts = sectionTexts(posted);
    expect(texts.find((t) => t.startsWith('*By environment*'))).toContain('env7: 130 apps: 1 drifted, 1 config out of sync, 1 pinned, 1 with a failure');
    expect(texts.find((t) => t.startsWith('*Drifted (25)*'))).toMatch(/env0\/service-000-y+: edited Deployment env0\/service-000-y+-web \(spec\), deleted Service/);
    expect(texts.find((t) => t.startsWith('*Unknown (1)*'))).toContain('kapten_env24_eu-w1 unreadable: connect ECONNREFUSED');
    expect(texts.find((t) => t.startsWith('*Skipped firings (1)*'))).toContain('env3/staging-release');
    // Long lists end with the builder's "… and N more"; user text never becomes a mention.
    expect(texts.find((t) => t.startsWith('*Pinned (25)*'))).toMatch(/… and \d+ more$/);
    expect(JSON.stringify(posted.blocks)).not.toContain('<!channel>');

    const replies = thread.map(toBlockKit);
    expect(replies.length).toBeGreaterThan(1);
    replies.forEach(withinLimits);
    const details = replies.flatMap(sectionTexts).join('\n');
    for (const e of big.environments) for (const a of e.apps) expect(details).toContain(`${a.app} ${a.release?.sha.slice(0, 7)} (master)`);
    expect(details).toContain('config changed: LOG_LEVEL = info');
  });

  it('one environment names apps without it, and says when all is in sync', () => {
    const one: SyncReport = { at: '2026-12-02T09:00:00.000Z', durationMs: 1000, environments: [{ env: 'dev3', apps: [app(3, 7), app(3, 8)], skippedFirings: [] }] };
    const { summary, thread } = syncReportMessages(one, { by: 'alice' });
    expect(toBlockKit(summary).text).toBe('dev3: 2 apps: all in sync');
    expect(summary.title).toBe('Sync report: dev3');
    expect(thread).toHaveLength(1);
    expect(syncReportOutcome(one).counts).toMatchObject({ apps: 2, released: 2, drifted: 0 });
  });
});
