// A neutral Message as the body of a slash command's ack or response_url POST.
import type { Message } from '../../../core/commands/replies.js';
import { responseType, toBlockKit, type Block } from '../block-kit.js';

export interface SlackReply {
  response_type: 'ephemeral' | 'in_channel';
  replace_original: false;
  text: string;
  blocks: Block[];
}

export function slackReply(message: Message): SlackReply {
  const { text, blocks } = toBlockKit(message);
  return { response_type: responseType(message), replace_original: false, text, blocks };
}

/** Sends a reply; never throws (a lost reply is logged by the caller's `onError`). */
export type Reply = (message: Message) => Promise<void>;
