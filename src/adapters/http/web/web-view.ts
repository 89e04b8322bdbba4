// The web view served by `nestor api` (NESTOR_WEB_URL): sign-in with Slack, then the pages
// (environments × apps, an app's releases, approvals, the queue) and Bull Board at /queues/,
// read-only, all behind the same session. Server-rendered HTML, no script: a form is a form.
import fastifyCookie from '@fastify/cookie';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { createBullBoard } from '@bull-board/api';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import { appPage } from './app-page.js';
import { approvalsPage } from './approvals-page.js';
import { matrixPage } from './matrix-page.js';
import { queuePage } from './queue-page.js';
import { slackSignIn } from './slack-sign-in.js';
import { acceptForms, requireSession } from './web-guard.js';
import type { WebServices } from './web-services.js';

export const BOARD_PATH = '/queues';

export async function serveWebView(server: FastifyInstance, services: WebServices): Promise<void> {
  const { web } = services;
  const now = () => services.clock.now();
  await server.register(fastifyCookie, { secret: web.sessionSecret });
  slackSignIn(server, { settings: web.signIn, workspace: web.workspace, now, logger: services.logger.child({ component: 'web' }) });
  await server.register(async (pages) => {
    requireSession(pages, now);
    acceptForms(pages);
    matrixPage(pages, services);
    appPage(pages, services);
    approvalsPage(pages, services);
    queuePage(pages, services);
  });
  await server.register(async (board) => {
    requireSession(board, now);
    const adapter = new FastifyAdapter();
    adapter.setBasePath(BOARD_PATH);
    createBullBoard({ queues: web.boardQueues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })), serverAdapter: adapter });
    await board.register(adapter.registerPlugin(), { prefix: BOARD_PATH });
  });
}
