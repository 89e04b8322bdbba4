// GET /approvals: the requests waiting for a decision, each with Approve and Reject. POST
// /approvals/:id runs exactly what a click on the Slack button runs (onApprovalClick): the
// request is decided by compare-and-set against its stored version, its binding to the commit
// and the config checked again, the requester refused, only listed approvers heard; so a second
// click (here or in Slack) is told who decided and queues nothing.
import type { FastifyInstance } from 'fastify';
import { onApprovalClick } from '../../slack/bot/approval-click.js';
import type { ApprovalRequest } from '../../../core/commands/approval.js';
import type { Message } from '../../../core/commands/replies.js';
import { shortSha, shortTime } from '../../../core/commands/replies.js';
import { sendErrorPage } from './error-page.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';
import type { WebServices } from './web-services.js';
import { signedIn } from './web-guard.js';
import type { WebSession } from './web-session.js';

const PENDING_SHOWN = 100;
const ID = /^[A-Za-z0-9_][A-Za-z0-9._:-]{0,200}$/;

export function approvalsPage(server: FastifyInstance, services: WebServices): void {
  server.get('/approvals', async (request, reply) => {
    const session = signedIn(request);
    return reply.type('text/html; charset=utf-8').send((await approvalsHtml(services, session)).text);
  });

  server.post('/approvals/:id', async (request, reply) => {
    const session = signedIn(request);
    const { id } = request.params as { id: string };
    const action = (request.body as Record<string, unknown>)['action'];
    if (!ID.test(id) || (action !== 'approve' && action !== 'reject')) {
      return sendErrorPage(request, reply, 400, { text: 'The form asked neither Approve nor Reject of an approval request: nothing was decided.', todo: 'Go back to the approvals and use their buttons.' });
    }
    const replies: Message[] = [];
    const by = { id: session.id, name: session.name, teams: (await services.teamsOf?.(session.id)) ?? [] };
    await onApprovalClick(services, services.slack, { action, id, by }, async (m) => void replies.push(m));
    const outcome = replies[replies.length - 1];
    request.log.info({ approval: id, action, user: session.name, outcome: outcome?.summary }, 'approval decided on the web view');
    return reply.type('text/html; charset=utf-8').send((await approvalsHtml(services, session, outcome)).text);
  });
}

async function approvalsHtml(services: WebServices, session: WebSession, outcome?: Message): Promise<Html> {
  const pending = await services.approvals.listPending({ limit: PENDING_SHOWN });
  const now = services.clock.now();
  const open = pending.filter((r) => r.state === 'pending' && Date.parse(r.expiresAt) > now);
  const status = outcome ? html`<p role="status" class="status${outcome.tone === 'failure' ? ' failure' : ''}">${outcome.summary}</p>` : '';
  const body = open.length === 0
    ? html`<p>No request is waiting for a decision.</p>`
    : html`<table id="approvals"><caption>${open.length} waiting, soonest expiry first. Requests are decided under the rules of the Slack buttons: not by their requester, only by a listed approver.</caption>
<thead><tr><th scope="col">What</th><th scope="col">Asked by</th><th scope="col">Approvers</th><th scope="col">Commit</th><th scope="col">Expires</th><th scope="col">Decision</th></tr></thead>
<tbody>${open.map((r) => row(r, session))}</tbody></table>`;
  return page('Approvals', session, html`<div aria-live="polite">${status}</div>${body}`);
}

function row(r: ApprovalRequest, session: WebSession): Html {
  const label = r.operation;
  return html`<tr><th scope="row">${r.operation}</th><td>${r.requester.name}</td><td>${r.approvers.join(', ')}</td><td><code>${r.app ? shortSha(r.sha) : '–'}</code></td><td>${shortTime(r.expiresAt)} UTC</td>
<td><form method="post" action="/approvals/${r.id}"><input type="hidden" name="csrf" value="${session.csrf}">
<button class="approve" type="submit" name="action" value="approve" aria-label="Approve ${label}">Approve</button>
<button class="reject" type="submit" name="action" value="reject" aria-label="Reject ${label}">Reject</button></form></td></tr>`;
}
