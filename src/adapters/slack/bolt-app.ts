// The Bolt app of `nestor bot`, built from injected parts: receiver settings (HTTP at
// /slack/events, or Socket Mode with an app token), the WebClient's options (`slackApiUrl`
// points it at a stand-in in tests), and the services the listeners run over. Listeners stay
// thin: ack at once, parse, then hand over to bot/slash-command.ts or bot/approval-click.ts.
import { performance } from 'node:perf_hooks';
import { App, LogLevel, type AllMiddlewareArgs, type SlackActionMiddlewareArgs, type SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import { isNestorError } from '../../core/errors.js';
import { parseCommand } from '../../core/commands/parse-command.js';
import { APPROVE_ACTION, helpReply, message, REJECT_ACTION, syntaxErrorReply, type Message } from '../../core/commands/replies.js';
import { onApprovalClick } from './bot/approval-click.js';
import { onResetConfirmation } from './bot/reset-confirmation.js';
import { CANCEL_RESET_ACTION, CONFIRM_RESET_ACTION } from '../../core/commands/replies/reset-replies.js';
import type { BotServices } from './bot/bot-services.js';
import { afterPendingIo } from './bot/after-acks.js';
import { boltLogger } from './bot/bolt-logger.js';
import { postToResponseUrl } from './bot/response-url.js';
import { slackReply, type Reply } from './bot/slack-reply.js';
import { runSlashCommand } from './bot/slash-command.js';
import { slashCommandText } from './slack-text.js';

export interface BoltParts {
  signingSecret: string;
  token: string;
  /** Socket Mode when set (`xapp-...`); HTTP at `/slack/events` otherwise. */
  appToken?: string;
  clientOptions?: WebClientOptions;
  /** Default `/nestor`. */
  commandName?: string;
  services: BotServices;
  logLevel?: LogLevel;
  /** Told of each reply to a slash command's response_url (sent over node's http, not the WebClient): how long it took, its error when it failed. */
  countReply?: ReplyCounter;
}

export type ReplyCounter = (seconds: number, error?: unknown) => void;

/** The user's line for an error; internal errors are logged, not shown. */
export function errorMessage(error: unknown, logger: Logger): Message {
  if (isNestorError(error)) return message({ visibility: 'ephemeral', tone: 'failure', title: 'Nothing was queued', summary: error.userMessage });
  logger.error({ err: error }, 'command failed');
  return message({ visibility: 'ephemeral', tone: 'failure', title: 'Internal error', summary: 'Nestor failed to handle this; nothing was queued. The error is in its logs.' });
}

function replier(responseUrl: string, logger: Logger, count: ReplyCounter): Reply {
  return async (m) => {
    const start = performance.now();
    try {
      await postToResponseUrl(responseUrl, slackReply(m));
      count((performance.now() - start) / 1000);
    } catch (error) {
      count((performance.now() - start) / 1000, error);
      logger.warn({ err: error }, 'reply to response_url failed');
    }
  };
}

type Click = 'approve' | 'reject' | 'confirm-reset' | 'cancel-reset';

const CLICKS: Readonly<Record<string, Click>> = { [APPROVE_ACTION]: 'approve', [REJECT_ACTION]: 'reject', [CONFIRM_RESET_ACTION]: 'confirm-reset', [CANCEL_RESET_ACTION]: 'cancel-reset' };
const CLICK_IDS = new RegExp(`^(${Object.keys(CLICKS).join('|')})$`);

export function buildBoltApp(parts: BoltParts): App {
  const { services } = parts;
  const logger = boltLogger(services.logger, parts.logLevel);
  const socket = parts.appToken ? { socketMode: true, appToken: parts.appToken } : {};
  // convoStore: false drops Bolt's conversation-state middleware, which Nestor never reads: per event it
  // looked the channel up in an in-memory store and built an Error for every miss.
  const app = new App({ signingSecret: parts.signingSecret, token: parts.token, logger, convoStore: false, ...(parts.clientOptions ? { clientOptions: parts.clientOptions } : {}), ...socket });
  const countReply = parts.countReply ?? (() => undefined);
  app.command(parts.commandName ?? '/nestor', (args) => onCommand(services, args, countReply));
  // One listener for every button: Bolt runs each listener's middleware for every request, slash commands included.
  app.action({ action_id: CLICK_IDS }, (args) => onClick(services, args));
  return app;
}

async function onCommand(services: BotServices, args: SlackCommandMiddlewareArgs & AllMiddlewareArgs, countReply: ReplyCounter): Promise<void> {
  const { ack, command, client } = args;
  const parsed = parseCommand(slashCommandText(command.text));
  if (!parsed.ok) return ack(slackReply(syntaxErrorReply(parsed.error)));
  if (parsed.command.kind === 'help') return ack(slackReply(helpReply(parsed.command.topic)));
  await ack();
  // Acks first: the work after it waits its turn behind the I/O pending now (after-acks.ts).
  await afterPendingIo();
  const reply = replier(command.response_url, services.logger, countReply);
  const request = { team: command.team_id, channel: command.channel_id, user: { id: command.user_id, name: command.user_name }, triggerId: command.trigger_id };
  try {
    await runSlashCommand(services, client, request, parsed.command, reply);
  } catch (error) {
    await reply(errorMessage(error, services.logger));
  }
}

async function onClick(services: BotServices, args: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
  const { ack, body, respond, client } = args;
  await ack();
  const clicked = body.type === 'block_actions' ? body.actions[0] : undefined;
  const action = clicked ? CLICKS[clicked.action_id] : undefined;
  if (!clicked || !action || clicked.type !== 'button' || !clicked.value) return;
  const user = body.user as { id: string; username?: string; name?: string };
  const by = { id: user.id, name: user.username ?? user.name ?? user.id, teams: (await services.teamsOf?.(user.id)) ?? [] };
  const reply: Reply = async (m) => {
    try {
      await respond({ ...slackReply(m), response_type: 'ephemeral' });
    } catch (error) {
      services.logger.warn({ err: error }, 'reply to response_url failed');
    }
  };
  try {
    if (action === 'confirm-reset' || action === 'cancel-reset') await onResetConfirmation(services, { confirm: action === 'confirm-reset', value: clicked.value, by }, reply);
    else await onApprovalClick(services, client, { action, id: clicked.value, by }, reply);
  } catch (error) {
    await reply(errorMessage(error, services.logger));
  }
}

export { LogLevel };
