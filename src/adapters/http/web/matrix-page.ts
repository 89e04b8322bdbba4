// GET /: every environment × every app, from one read of the history and one of the drift board
// (fleet-matrix.ts): beside each version, its live drift as a worker last read it.
import type { FastifyInstance } from 'fastify';
import { fleetMatrix, type FleetMatrix, type LiveDriftCell, type MatrixCell } from '../../../core/fleet/fleet-matrix.js';
import { shortSha } from '../../../core/commands/replies.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';
import type { WebServices } from './web-services.js';
import { signedIn } from './web-guard.js';

/** One object when no environment is given, so the matrix's fingerprints stay cached between pages. */
const NO_ENVIRONMENT = {};

export function matrixPage(server: FastifyInstance, services: WebServices): void {
  server.get('/', async (request, reply) => {
    const session = signedIn(request);
    const { tree } = await services.config.load();
    const envs = [...tree.environments.keys()].sort();
    const now = services.clock.now();
    const matrix = await fleetMatrix({ history: services.history, environment: services.environment ?? NO_ENVIRONMENT, drift: services.web.drift }, tree, envs, now);
    return reply.type('text/html; charset=utf-8').send(page('Environments', session, matrixTable(matrix, now)).text);
  });
}

export function age(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}

function matrixTable(matrix: FleetMatrix, now: number): Html {
  const problems = [...matrix.problems].map(([env, why]) => html`<p role="alert">The history of ${env} could not be read: ${why}</p>`);
  if (matrix.liveProblem) problems.push(html`<p role="alert">The live drift could not be read (${matrix.liveProblem}): the versions below stand, their live drift is not shown.</p>`);
  return html`${problems}<table id="matrix">
<caption>What runs where: ${matrix.apps.length} apps in ${matrix.environments.length} environments. Marks: <span class="mark drift">drift</span> another version than the environment followed, <span class="mark out">config out of sync</span> the config changed since the latest release, <span class="mark pin">pinned</span>, <span class="mark off">disabled</span>. Live: <span class="mark live-drift">drifted (live)</span> the app's objects in the cluster differ from its recorded release (edited, deleted or added by hand) as a worker last read them (the sync report, or the app's latest release through a worker), with when and which objects; <span class="mark live-unknown">live unknown</span> the cluster could not be read; <span class="mark stale">stale</span> read before two reports were due, or before the latest release; not checked: no worker read it yet.</caption>
<thead><tr><th scope="col">App</th>${matrix.environments.map((e) => html`<th scope="col">${e.name}${e.follows ? html`<br><span class="meta">follows ${e.follows}</span>` : ''}</th>`)}</tr></thead>
<tbody>${matrix.apps.map((app) => html`<tr><th scope="row">${app}</th>${matrix.environments.map((e) => cell(app, e.name, matrix.cells.get(app)?.get(e.name), now))}</tr>`)}</tbody>
</table>`;
}

function cell(app: string, env: string, c: MatrixCell | undefined, now: number): Html {
  if (!c) return html`<td class="none">&ndash;</td>`;
  const marks = [
    c.drift ? html` <span class="mark drift" title="${c.drift.from} runs ${c.drift.sha ? shortSha(c.drift.sha) : 'nothing'}">drift</span>` : '',
    c.configOutOfSync ? html` <span class="mark out" title="the config changed since this release: a config sync would release it again">config out of sync</span>` : '',
    c.configProblem ? html` <span class="mark out" title="${c.configProblem}">config unknown</span>` : '',
    c.pin ? html` <span class="mark pin" title="pinned by ${c.pin.by}: ${c.pin.reason}">pinned</span>` : '',
    c.disabled ? html` <span class="mark off">disabled</span>` : '',
  ];
  const label = c.drift ? 'drift' : c.pin ? 'pinned' : 'ok';
  if (!c.release) return html`<td class="none" data-app="${app}" data-env="${env}" data-state="${label}">not released${marks}</td>`;
  const r = c.release;
  const live = c.live ? { attributes: html` data-live="${c.live.entry?.state ?? 'not-checked'}"${c.live.stale ? html` data-live-stale="true"` : ''}`, text: liveText(c.live, now) } : undefined;
  return html`<td data-app="${app}" data-env="${env}" data-state="${label}"${live?.attributes}><a href="/apps/${app}/${env}" title="${r.ref ?? ''} by ${r.user} at ${r.at}">${shortSha(r.sha)}</a> <span class="age">${age(c.ageMs ?? 0)}</span>${marks}${live?.text}</td>`;
}

/** The live drift of a cell: its state in words, when it was read, and what differs (or why unknown, or why stale) on opening. */
function liveText(live: LiveDriftCell, now: number): Html {
  const { entry, stale } = live;
  if (!entry) return html`<div class="live meta">live: not checked</div>`;
  const state = entry.state === 'drifted' ? html`<span class="mark live-drift">drifted (live)</span>`
    : entry.state === 'unknown' ? html`<span class="mark live-unknown">live unknown</span>` : html`<span class="meta">live in sync</span>`;
  const head = html`${state}${stale ? html` <span class="mark stale">stale</span>` : ''} <span class="age" title="${entry.checkedAt}">checked ${age(Math.max(0, now - Date.parse(entry.checkedAt)))} ago</span>`;
  const details = [...entry.changes, ...(entry.why ? [entry.why] : []), ...(stale ? [`stale: ${stale}`] : [])];
  if (details.length === 0) return html`<div class="live">${head}</div>`;
  return html`<details class="live"><summary>${head}</summary><ul>${details.map((d) => html`<li>${d}</li>`)}</ul></details>`;
}
