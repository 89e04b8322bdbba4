// `--json` on the commands scripts read (render, status, history, diff): one JSON document on
// stdout, with a shape that only grows (fields are added, never renamed or removed). Absent
// values are `null`, so every key is always there.
import type { AppStatus } from '../../core/commands/info-answers.js';
import type { Pin, ReleaseSummary } from '../../core/ports/release-history.js';
import type { ObjectChange } from '../../core/release/events.js';
import type { DriftReport } from '../../core/release/release-drift.js';
import type { ClusterManifests } from '../../core/render/index.js';

export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `nestor render --json`: one entry per object, in the order of the YAML. */
export function renderJson(clusters: readonly ClusterManifests[]) {
  return clusters.flatMap((c) => c.objects.map((o) => ({
    cluster: c.cluster, context: c.context, apiVersion: o.apiVersion, kind: o.kind,
    namespace: o.metadata.namespace ?? null, name: o.metadata.name,
  })));
}

function releaseJson(r: ReleaseSummary) {
  return { commit: r.commit, kind: r.kind, sha: r.sha, ref: r.ref ?? null, user: r.user, at: r.at, message: r.message };
}

function pinJson(pin: Pin | undefined) {
  return pin ? { commit: pin.commit, by: pin.by, at: pin.at, reason: pin.reason, approvedBy: pin.approvedBy ?? null } : null;
}

/** `env` null: the releases of every environment, each naming its own (`pin` is then null: see status). */
export function historyJson(app: string, env: string | null, releases: readonly ReleaseSummary[], pin: Pin | undefined) {
  return { app, env, releases: releases.map((r) => (env === null ? { ...releaseJson(r), env: r.env } : releaseJson(r))), pin: pinJson(pin) };
}

export function statusJson(app: string, statuses: readonly AppStatus[]) {
  return {
    app,
    environments: statuses.map((s) => ({
      env: s.env, release: s.release ? releaseJson(s.release) : null, replicas: s.replicas ?? null, pin: pinJson(s.pin),
    })),
  };
}

const changesJson = (changes: readonly ObjectChange[]) => changes.map((c) => ({ object: c.object, change: c.change, fields: c.fields }));

/** `nestor diff --json`: per cluster, what a redeploy would change and how live drifted; no patch text. */
export function diffJson(report: DriftReport) {
  return {
    app: report.release.app, env: report.release.env, release: releaseJson(report.release), pin: pinJson(report.pin),
    clusters: report.clusters.map((c) => ({ cluster: c.cluster, redeploy: changesJson(c.redeploy.changes), drift: changesJson(c.drift.changes) })),
  };
}
