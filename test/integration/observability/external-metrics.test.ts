// External errors and retries counted through the adapters' own hooks, on real parts: the
// Kubernetes client against a simulator that is gone, the registry check's fetch against a real
// HTTP server, the Slack notifier's delivery reports, and the git history's push raced by another
// writer on a real repository.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeClusterProvider } from '../../../src/adapters/kube/client/kube-cluster-provider.js';
import { countingFetch, gitRunMetrics, historyPushMetrics, httpFailureKind, kubeRetryMetrics, registryMetrics, slackDeliveryMetrics } from '../../../src/adapters/observability/external-metrics.js';
import { GitReleaseHistory } from '../../../src/adapters/git/git-release-history.js';
import { openGit } from '../../../src/adapters/git/git-process.js';
import { OciRegistry } from '../../../src/adapters/registry/oci-registry.js';
import { PrometheusMetrics } from '../../../src/adapters/observability/prometheus-metrics.js';
import type { DeliveryReport } from '../../../src/adapters/slack/notifier/delivery-report.js';
import { InstantClock } from '../../../src/testkit/fakes/time/instant-clock.js';
import { SIM_CONTEXT, simKubeConfig, startSimProvider } from '../../support/kube-sim-provider.js';
import { sampleValue } from '../../support/prometheus-text.js';
import { cleanupFixtures, commitFiles, git, makeBareRepo, onNextCommit, pushFromHook, tempDir } from '../../support/git-fixtures.js';
import { release } from '../../contract/release-history.contract.js';

afterAll(cleanupFixtures);

const scrape = async (metrics: PrometheusMetrics) => (await metrics.text()).body;

describe('external errors and retries', () => {
  it('counts each failed attempt at an unreachable API server, and each retry', async () => {
    const gone = await startSimProvider();
    const kubeConfig = simKubeConfig(gone.sim);
    await gone.sim.close();
    const metrics = new PrometheusMetrics();
    const provider = new KubeClusterProvider(kubeConfig, { retry: { clock: new InstantClock(), ...kubeRetryMetrics(metrics) } });
    await expect(provider.cluster(SIM_CONTEXT).list({ namespace: 'default', kinds: [{ apiVersion: 'v1', kind: 'ConfigMap' }], labelSelector: 'app=mary' })).rejects.toThrow('ECONNREFUSED');
    const text = await scrape(metrics);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'kubernetes', kind: 'network' })).toBe(4);
    expect(sampleValue(text, 'nestor_external_retries_total', { system: 'kubernetes', kind: 'network' })).toBe(3);
    expect(sampleValue(text, 'nestor_external_call_duration_seconds_count', { system: 'kubernetes', operation: 'get', outcome: 'network' })).toBe(4);
  });

  it('times each request to a live API server by method and outcome: a list answered, a read of something absent', async (ctx) => {
    const metrics = new PrometheusMetrics();
    const { sim, provider } = await startSimProvider({}, { retry: { clock: new InstantClock(), ...kubeRetryMetrics(metrics) } });
    ctx.onTestFinished(() => sim.close());
    const cluster = provider.cluster(SIM_CONTEXT);
    await cluster.list({ namespace: 'default', kinds: [{ apiVersion: 'v1', kind: 'ConfigMap' }], labelSelector: 'app=mary' });
    expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'absent' })).toBeUndefined();
    const text = await scrape(metrics);
    const count = (outcome: string) => sampleValue(text, 'nestor_external_call_duration_seconds_count', { system: 'kubernetes', operation: 'get', outcome }) ?? 0;
    expect(count('ok')).toBeGreaterThanOrEqual(1);
    expect(count('client')).toBe(1);
    expect(sampleValue(text, 'nestor_external_call_duration_seconds_bucket', { system: 'kubernetes', operation: 'get', outcome: 'client', le: '+Inf' })).toBe(1);
  });

  it('counts the registry answers that failed (429, 5xx) and the requests that got none, not the 401 of a challenge', async (ctx) => {
    const statuses = [503, 429, 401, 200];
    const server = createServer((_request, response) => void response.writeHead(statuses.shift() ?? 200).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ctx.onTestFinished(() => void server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/`;
    const metrics = new PrometheusMetrics();
    const counted = countingFetch(metrics, 'registry');
    for (let i = 0; i < 4; i++) await counted(url);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(counted(url)).rejects.toThrow();
    const text = await scrape(metrics);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'registry', kind: 'server' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'registry', kind: 'rate_limited' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'registry', kind: 'network' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'registry', kind: 'client' })).toBeUndefined();
    for (const outcome of ['server', 'rate_limited', 'client', 'ok', 'network']) {
      expect(sampleValue(text, 'nestor_external_call_duration_seconds_count', { system: 'registry', operation: 'get', outcome })).toBe(1);
    }
  });

  it('counts the image checks the registry failed and that were tried again: a 503, then a 429 with Retry-After, then found', async (ctx) => {
    const answers: [number, Record<string, string>][] = [[503, {}], [429, { 'retry-after': '2' }], [200, {}]];
    const asked: string[] = [];
    const server = createServer((request, response) => {
      asked.push(`${request.method ?? ''} ${request.url ?? ''}`);
      const [status, headers] = answers.shift() ?? [200, {}];
      response.writeHead(status, headers).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ctx.onTestFinished(() => void server.close());
    const metrics = new PrometheusMetrics();
    const clock = new InstantClock();
    const registry = new OciRegistry({ ...registryMetrics(metrics), clock });
    const ref = { registry: `127.0.0.1:${(server.address() as AddressInfo).port}`, repository: 'kapten/mary', tag: 'v1', insecure: true };
    expect(await registry.exists(ref)).toBe(true);
    expect(asked).toEqual(Array(3).fill('HEAD /v2/kapten/mary/manifests/v1'));
    // A backoff after the 503, the Retry-After after the 429.
    expect(clock.waits).toEqual([500, 2_000]);
    const text = await scrape(metrics);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'registry', kind: 'server' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'registry', kind: 'rate_limited' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_retries_total', { system: 'registry', kind: 'server' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_retries_total', { system: 'registry', kind: 'rate_limited' })).toBe(1);
  });

  it('counts Slack deliveries retried (by kind) and given up, and passes every report on', async () => {
    const metrics = new PrometheusMetrics();
    const seen: DeliveryReport[] = [];
    const observe = slackDeliveryMetrics(metrics, (report) => void seen.push(report));
    const base = { jobId: 'j1', lane: 'status' } as const;
    observe({ ...base, result: 'retry', reason: 'rate-limited', code: 'ratelimited', retryInMs: 1_000 });
    observe({ ...base, result: 'retry', reason: 'failed', code: 'slack_webapi_request_error', retryInMs: 500 });
    observe({ ...base, result: 'retry', reason: 'failed', code: 'http_503', retryInMs: 500 });
    observe({ ...base, result: 'retry', reason: 'failed', code: 'internal_error', retryInMs: 500 });
    observe({ ...base, result: 'dropped', code: 'channel_not_found' });
    observe({ ...base, result: 'gave-up', code: 'slack_webapi_request_error' });
    observe({ ...base, result: 'sent' });
    const text = await scrape(metrics);
    for (const kind of ['rate_limited', 'network', 'server', 'api_error']) {
      expect(sampleValue(text, 'nestor_external_retries_total', { system: 'slack', kind })).toBe(1);
    }
    // The failed attempts themselves are counted by the client's fetch (slack-call-metrics.test.ts).
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'slack', kind: 'rate_limited' })).toBeUndefined();
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'slack', kind: 'gave_up' })).toBe(1);
    expect(seen).toHaveLength(7);
  });

  it('counts a history push refused because another writer pushed first, tried again after fetch and rebase', async () => {
    const parent = tempDir();
    const remote = makeBareRepo(parent);
    const workDir = join(parent, 'work');
    const metrics = new PrometheusMetrics();
    const { onHistoryPushFailed, onHistoryPushRetry } = historyPushMetrics(metrics);
    const writer = new GitReleaseHistory({ remote, workDir, onPushFailed: onHistoryPushFailed, onPushRetry: onHistoryPushRetry });
    await writer.record(release({}, { jobId: 'first' }));
    // The other writer's commit lands on the remote the moment this writer commits locally: its push is then refused.
    const other = join(parent, 'other');
    git(parent, 'clone', '--quiet', remote, other);
    commitFiles(other, 'another writer', { 'dev4/john/release.json': '{}\n' });
    onNextCommit(workDir, pushFromHook(other), join(parent, 'raced'));
    const result = await writer.record(release({ app: 'paul' }, { jobId: 'raced' }));
    expect(git(remote, 'rev-parse', 'main').trim()).toBe(result.commit);
    const text = await scrape(metrics);
    expect(sampleValue(text, 'nestor_external_retries_total', { system: 'git', kind: 'rejected' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'git', kind: 'rejected' })).toBe(1);
  });

  it('times every git process by command, ok or failed', async () => {
    const repo = makeBareRepo(tempDir());
    const metrics = new PrometheusMetrics();
    const gitRun = openGit(repo, { onRun: gitRunMetrics(metrics) });
    expect((await gitRun.raw(['rev-parse', '--is-bare-repository'])).trim()).toBe('true');
    await expect(gitRun.raw(['rev-parse', '--verify', 'refs/heads/absent'])).rejects.toThrow();
    await expect(gitRun.raw('cat-file', '-t', 'HEAD')).rejects.toThrow();
    const text = await scrape(metrics);
    expect(sampleValue(text, 'nestor_external_call_duration_seconds_count', { system: 'git', operation: 'rev-parse', outcome: 'ok' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_call_duration_seconds_count', { system: 'git', operation: 'rev-parse', outcome: 'failed' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_call_duration_seconds_count', { system: 'git', operation: 'cat-file', outcome: 'failed' })).toBe(1);
  });

  it('names the kind of a failed GitHub call by its status', () => {
    expect([429, 502, 404].map((status) => httpFailureKind(Object.assign(new Error('x'), { status })))).toEqual(['rate_limited', 'server', 'client']);
    expect(httpFailureKind(new Error('socket hang up'))).toBe('network');
  });
});
