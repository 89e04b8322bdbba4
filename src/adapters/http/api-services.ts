// What the routes of `nestor api` run over: the bot's services (queue, approvals, config, git,
// history, people) and its Slack client, the tokens, and the GitHub webhook check when a secret
// is set. Built by the composition root (main/api.ts) or by a test.
import type { Webhooks } from '@octokit/webhooks';
import type { DeliveryIds } from '../../core/ports/delivery-ids.js';
import type { SlackClient } from '../slack/bot/approval-request.js';
import type { BotServices } from '../slack/bot/bot-services.js';
import type { Operations } from '../observability/operations.js';
import type { TokenAuthority } from './api-tokens.js';
import type { WebOptions } from './web/web-services.js';

export interface ApiServices extends BotServices {
  /** Posts approval requests in the environment's release channel. */
  slack: SlackClient;
  tokens: TokenAuthority;
  /** Absent: POST /api/v1/github is refused (no secret set). */
  github?: { webhooks: Pick<Webhooks, 'verify'>; deliveries: DeliveryIds };
  /** Absent: no web view (NESTOR_WEB_URL unset). */
  web?: WebOptions;
  /** GET /healthz, /readyz and /metrics beside the API (the process's own, served on its port too). */
  operations?: Operations;
}
