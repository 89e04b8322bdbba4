// GET /apps/:app/:env: an app's releases in an environment, newest first, whether its config is
// out of sync with the running release (config-sync-state.ts, the changed keys), and the diff
// between two releases (`?from=&to=`, by default the latest and the one before), Secret values
// masked as in every diff Nestor shows.
import type { FastifyInstance } from 'fastify';
import { shortSha, shortTime } from '../../../core/commands/replies.js';
import { isDnsLabel } from '../../../core/config/index.js';
import { configOutOfSync } from '../../../core/fleet/config-sync-state.js';
import type { Release, ReleaseSummary } from '../../../core/ports/release-history.js';
import { diffRelease, objectKey } from '../../../core/release/diff.js';
import { manifestsOf } from '../../../core/release/restore-release.js';
import { sendErrorPage } from './error-page.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';
import { age } from './matrix-page.js';
import type { WebServices } from './web-services.js';
import { signedIn } from './web-guard.js';

const SHOWN = 30;
const COMMIT = /^[0-9a-f]{7,40}$/;

export function appPage(server: FastifyInstance, services: WebServices): void {
  server.get('/apps/:app/:env', async (request, reply) => {
    const session = signedIn(request);
    const { app, env } = request.params as { app: string; env: string };
    const query = request.query as { from?: string; to?: string };
    if (!isDnsLabel(app) || !isDnsLabel(env)) return sendErrorPage(request, reply, 400, { text: 'The address names no app and environment (expected DNS-1123 labels, as /apps/mary/staging).' });
    const pick = (c: string | undefined) => (c !== undefined && COMMIT.test(c) ? c : undefined);
    const releases = await services.history.list(app, env, SHOWN);
    const to = pick(query.to) ?? releases[0]?.commit;
    // By default the release before `to`.
    const from = pick(query.from) ?? releases[releases.findIndex((r) => r.commit === to) + 1]?.commit;
    const [config, diff] = await Promise.all([configSection(services, app, env), diffSection(services, app, env, from, to)]);
    const body = [history(app, env, releases, from, to, services.clock.now()), config, diff];
    return reply.type('text/html; charset=utf-8').send(page(`${app} in ${env}`, session, body).text);
  });
}

function history(app: string, env: string, releases: readonly ReleaseSummary[], from: string | undefined, to: string | undefined, now: number): Html {
  if (releases.length === 0) return html`<p>${app} was never released in ${env}.</p>`;
  const option = (r: ReleaseSummary, selected: string | undefined) => html`<option value="${r.commit}"${r.commit === selected ? html` selected` : ''}>${shortSha(r.commit)} &middot; ${r.kind} ${shortSha(r.sha)} &middot; ${shortTime(r.at)}</option>`;
  return html`<table id="releases"><caption>Releases, newest first (the latest ${releases.length})</caption>
<thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Version</th><th scope="col">By</th><th scope="col">History commit</th></tr></thead>
<tbody>${releases.map((r) => html`<tr><td>${shortTime(r.at)} <span class="age">(${age(Math.max(0, now - Date.parse(r.at)))} ago)</span></td><th scope="row">${r.message}</th><td><code>${shortSha(r.sha)}</code> ${r.ref && r.ref !== r.sha ? r.ref : ''}</td><td>${r.user}</td><td><code>${shortSha(r.commit)}</code></td></tr>`)}</tbody></table>
<form method="get" action="/apps/${app}/${env}"><fieldset><legend>Compare two releases</legend>
<label for="from">From</label> <select id="from" name="from">${releases.map((r) => option(r, from))}</select>
<label for="to">to</label> <select id="to" name="to">${releases.map((r) => option(r, to))}</select>
<button type="submit">Show the diff</button></fieldset></form>`;
}

async function configSection(services: WebServices, app: string, env: string): Promise<Html> {
  try {
    const state = await configOutOfSync({ ...services, environment: services.environment ?? {} }, app, env);
    if (state.notRunning) return html`<h2>Config</h2><p>${state.notRunning}.</p>`;
    if (!state.outOfSync) return html`<h2>Config</h2><p>In sync: the running release has the config as it is now.</p>`;
    return html`<h2>Config <span class="mark out">out of sync</span></h2><table id="config-changes"><caption>What a config sync would change</caption>
<thead><tr><th scope="col">Key</th><th scope="col">Change</th><th scope="col">Running</th><th scope="col">Now</th></tr></thead>
<tbody>${state.changes.map((c) => html`<tr><th scope="row">${c.key}</th><td>${c.change}</td><td>${c.before ?? ''}</td><td>${c.after ?? ''}</td></tr>`)}</tbody></table>`;
  } catch (error) {
    return html`<h2>Config</h2><p>Unknown: ${error instanceof Error ? error.message : String(error)}</p>`;
  }
}

async function diffSection(services: WebServices, app: string, env: string, from: string | undefined, to: string | undefined): Promise<Html> {
  if (!from || !to) return html``;
  const [older, newer] = await Promise.all([services.history.get(app, env, from), services.history.get(app, env, to)]);
  if (!older || !newer) return html`<h2>Diff</h2><p>No release ${!older ? from : to} of ${app} in ${env}.</p>`;
  const text = releaseDiffText(older, newer, env);
  return html`<h2>Diff from ${shortSha(older.commit)} to ${shortSha(newer.commit)}</h2>${text === '' ? html`<p>The two releases applied the same objects.</p>` : html`<pre id="diff">${text}</pre>`}`;
}

/** The objects of `newer` against those of `older`, cluster by cluster, as a unified diff. */
export function releaseDiffText(older: Release, newer: Release, env: string): string {
  const before = new Map(manifestsOf(older, new Map(), env).map((m) => [m.cluster, m.objects]));
  return manifestsOf(newer, new Map(), env).map((m) => {
    const old = new Map((before.get(m.cluster) ?? []).map((o) => [objectKey(o), o]));
    const kept = new Set(m.objects.map(objectKey));
    const pruned = [...old.values()].filter((o) => !kept.has(objectKey(o)));
    const labels = { live: `${shortSha(older.commit)}/${m.cluster}`, rendered: `${shortSha(newer.commit)}/${m.cluster}` };
    return diffRelease(m.objects, old, pruned, { labels }).text;
  }).join('');
}
