// GET /: every environment × every app, from one read of the history (fleet-matrix.ts).
import type { FastifyInstance } from 'fastify';
import { fleetMatrix, type FleetMatrix, type MatrixCell } from '../../../core/fleet/fleet-matrix.js';
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
    const matrix = await fleetMatrix({ history: services.history, environment: services.environment ?? NO_ENVIRONMENT }, tree, envs, services.clock.now());
    return reply.type('text/html; charset=utf-8').send(page('Environments', session, matrixTable(matrix)).text);
  });
}

export function age(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}

function matrixTable(matrix: FleetMatrix): Html {
  const problems = [...matrix.problems].map(([env, why]) => html`<p role="alert">The history of ${env} could not be read: ${why}</p>`);
  return html`${problems}<table id="matrix">
<caption>What runs where: ${matrix.apps.length} apps in ${matrix.environments.length} environments. Marks: <span class="mark drift">drift</span> another version than the environment followed, <span class="mark out">config out of sync</span> the config changed since the latest release, <span class="mark pin">pinned</span>, <span class="mark off">disabled</span>.</caption>
<thead><tr><th scope="col">App</th>${matrix.environments.map((e) => html`<th scope="col">${e.name}${e.follows ? html`<br><span class="meta">follows ${e.follows}</span>` : ''}</th>`)}</tr></thead>
<tbody>${matrix.apps.map((app) => html`<tr><th scope="row">${app}</th>${matrix.environments.map((e) => cell(app, e.name, matrix.cells.get(app)?.get(e.name)))}</tr>`)}</tbody>
</table>`;
}

function cell(app: string, env: string, c: MatrixCell | undefined): Html {
  if (!c) return html`<td class="none">–</td>`;
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
  return html`<td data-app="${app}" data-env="${env}" data-state="${label}"><a href="/apps/${app}/${env}" title="${r.ref ?? ''} by ${r.user} at ${r.at}">${shortSha(r.sha)}</a> <span class="age">${age(c.ageMs ?? 0)}</span>${marks}</td>`;
}
