// Slack requests as Slack sends them, correctly signed (v0 HMAC-SHA256 of `v0:timestamp:body`
// with the signing secret), and forged or stale variants, to send to a real Bolt receiver.
import { createHmac } from 'node:crypto';

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface SlackUserRef {
  id: string;
  name: string;
}

export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function sign(signingSecret: string, body: string, timestamp: number = nowSeconds()): SignedRequest {
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(signingSecret, timestamp, body),
    },
  };
}

export interface SlashCommandInput {
  text: string;
  command?: string;
  user?: SlackUserRef;
  channelId?: string;
  responseUrl?: string;
  triggerId?: string;
}

export function slashCommandBody(input: SlashCommandInput): string {
  const user = input.user ?? { id: 'U0ALICE', name: 'alice' };
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0NESTOR',
    team_domain: 'nestor-test',
    channel_id: input.channelId ?? 'C0DEPLOYS',
    channel_name: 'deploys',
    user_id: user.id,
    user_name: user.name,
    command: input.command ?? '/nestor',
    text: input.text,
    api_app_id: 'A0NESTOR',
    is_enterprise_install: 'false',
    response_url: input.responseUrl ?? 'https://hooks.slack.com/commands/T0NESTOR/1/x',
    trigger_id: input.triggerId ?? '1.2.3',
  }).toString();
}

export interface BlockActionInput {
  actionId: string;
  value: string;
  user?: SlackUserRef;
  channelId?: string;
  messageTs?: string;
  responseUrl?: string;
}

export function blockActionsBody(input: BlockActionInput): string {
  const user = input.user ?? { id: 'U0CAROL', name: 'carol' };
  const channel = input.channelId ?? 'C0RELEASES';
  const ts = input.messageTs ?? '1714557601.000001';
  const payload = {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: 'T0NESTOR' },
    api_app_id: 'A0NESTOR',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
    trigger_id: '4.5.6',
    team: { id: 'T0NESTOR', domain: 'nestor-test' },
    channel: { id: channel, name: 'releases' },
    message: { type: 'message', ts, text: 'approval', user: 'U0NESTOR' },
    response_url: input.responseUrl ?? 'https://hooks.slack.com/actions/T0NESTOR/1/x',
    actions: [
      { type: 'button', action_id: input.actionId, block_id: 'nestor_actions', value: input.value, text: { type: 'plain_text', text: input.actionId }, action_ts: String(nowSeconds()) },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export const signedSlashCommand = (secret: string, input: SlashCommandInput): SignedRequest => sign(secret, slashCommandBody(input));
export const signedBlockAction = (secret: string, input: BlockActionInput): SignedRequest => sign(secret, blockActionsBody(input));

/** Signed with another secret: a forgery. */
export function forged(request: SignedRequest): SignedRequest {
  const timestamp = Number(request.headers['x-slack-request-timestamp']);
  return sign('not-the-signing-secret', request.body, timestamp);
}

/** Correctly signed, but `ageSeconds` old (Bolt refuses anything older than 5 minutes). */
export function stale(signingSecret: string, body: string, ageSeconds = 6 * 60): SignedRequest {
  return sign(signingSecret, body, nowSeconds() - ageSeconds);
}

/** A retry as Slack sends it when the first delivery was not acknowledged in time. */
export function asRetry(request: SignedRequest, retryNum = 1, reason = 'http_timeout'): SignedRequest {
  return { body: request.body, headers: { ...request.headers, 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': reason } };
}

export interface SlackHttpResponse {
  status: number;
  body: string;
}

export async function sendToSlackReceiver(url: string, request: SignedRequest): Promise<SlackHttpResponse> {
  const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  return { status: response.status, body: await response.text() };
}
