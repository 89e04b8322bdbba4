// GET /queue: how many jobs wait, run and failed, and the latest of each (the full board, with
// every state and a job's data, is Bull Board at /queues/).
import type { FastifyInstance } from 'fastify';
import { describeJob, jobScope } from '../../../core/jobs/job-schema.js';
import { shortTime } from '../../../core/commands/replies.js';
import type { ListedJob, ListedState } from '../../../core/ports/job-listing.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';
import type { WebServices } from './web-services.js';
import { signedIn } from './web-guard.js';

const SHOWN = 50;
const TITLES: Record<ListedState, string> = { waiting: 'Waiting', active: 'Active', failed: 'Failed' };

export function queuePage(server: FastifyInstance, services: WebServices): void {
  server.get('/queue', async (request, reply) => {
    const session = signedIn(request);
    const overview = await services.web.listing.overview(SHOWN);
    const { counts } = overview;
    const summary = html`<p>${counts.waiting} waiting, ${counts.active} active, ${counts.delayed} delayed (retrying), ${counts.failed} failed, ${counts.completed} completed in the last day.</p>`;
    const tables = (Object.keys(TITLES) as ListedState[]).map((state) => jobsTable(state, overview.jobs[state], counts[state]));
    return reply.type('text/html; charset=utf-8').send(page('Queue', session, [summary, tables]).text);
  });
}

function jobsTable(state: ListedState, jobs: readonly ListedJob[], count: number): Html {
  if (jobs.length === 0) return html`<h2>${TITLES[state]}</h2><p>None.</p>`;
  return html`<table id="jobs-${state}"><caption>${TITLES[state]}: ${count}${count > jobs.length ? `, the latest ${jobs.length} shown` : ''}</caption>
<thead><tr><th scope="col">Job</th><th scope="col">What</th><th scope="col">App / environment</th><th scope="col">By</th><th scope="col">Queued</th><th scope="col">Attempts</th>${state === 'failed' ? html`<th scope="col">Error</th>` : ''}</tr></thead>
<tbody>${jobs.map((j) => {
    const scope = jobScope(j.job);
    return html`<tr><th scope="row"><code>${j.jobId}</code></th><td>${describeJob(j.job)}</td><td>${[scope.app, scope.env].filter(Boolean).join(' / ')}</td><td>${j.job.user}</td><td>${shortTime(j.enqueuedAt)}</td><td>${j.attempts}</td>${state === 'failed' ? html`<td>${j.error ?? ''}</td>` : ''}</tr>`;
  })}</tbody></table>`;
}
