// Renders a neutral Message as Slack Block Kit. Every piece of text is escaped (&, <, >) so that
// user content (a commit subject, a branch name) can never become a mention such as <!channel>
// or a link; lengths are cut to Block Kit's limits.
import type { ActionsBlock, Button as ButtonElement, ContextBlock, DividerBlock, HeaderBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import { STEP_MARK, type Button, type Field, type Message, type Section, type Step, type Tone } from '../../core/commands/replies.js';

type TextSectionBlock = Omit<SectionBlock, 'text' | 'fields'> & { text: MrkdwnElement };
type FieldsSectionBlock = Omit<SectionBlock, 'text' | 'fields'> & { fields: MrkdwnElement[] };

/** The blocks Nestor writes: @slack/types' own, narrowed to the shapes built here. */
export type Block = HeaderBlock | TextSectionBlock | FieldsSectionBlock | ActionsBlock | ContextBlock | DividerBlock;

export interface SlackMessage {
  /** The notification and fallback text. */
  text: string;
  blocks: Block[];
}

const LIMIT = { header: 150, section: 3000, field: 2000, fields: 10, button: 75, value: 2000, context: 10 } as const;

export const TONE_EMOJI: Readonly<Record<Tone, string>> = {
  info: ':information_source:',
  queued: ':inbox_tray:',
  running: ':hourglass_flowing_sand:',
  pending: ':raised_hand:',
  success: ':white_check_mark:',
  warning: ':warning:',
  failure: ':x:',
};

const MRKDWN_SPECIAL = /[&<>]/;

export function escapeMrkdwn(text: string): string {
  if (!MRKDWN_SPECIAL.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const mrkdwn = (text: string, max: number = LIMIT.section): MrkdwnElement => ({ type: 'mrkdwn', text: cut(text, max) });

function fieldBlocks(fields: readonly Field[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < fields.length; i += LIMIT.fields) {
    const chunk = fields.slice(i, i + LIMIT.fields);
    blocks.push({ type: 'section', fields: chunk.map((f) => mrkdwn(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, LIMIT.field)) });
  }
  return blocks;
}

function stepLine(step: Step): string {
  const name = step.state === 'running' ? `*${step.name}*` : step.name;
  return `${STEP_MARK[step.state]} ${name}${step.detail ? ` — ${escapeMrkdwn(step.detail)}` : ''}`;
}

function sectionBlock(section: Section): Block {
  const title = section.title ? `*${escapeMrkdwn(section.title)}*\n` : '';
  const body = section.lines.map(escapeMrkdwn).join('\n');
  if (!section.monospace) return { type: 'section', text: mrkdwn(`${title}${body}`) };
  const code = cut(body.replace(/```/g, '`\u200b``'), LIMIT.section - title.length - 6);
  return { type: 'section', text: mrkdwn(`${title}\`\`\`${code}\`\`\``) };
}

function buttonElement(b: Button): ButtonElement {
  return {
    type: 'button',
    action_id: b.actionId,
    text: { type: 'plain_text', text: cut(b.label, LIMIT.button) },
    value: cut(b.value, LIMIT.value),
    ...(b.style ? { style: b.style } : {}),
  };
}

export function toBlockKit(m: Message): SlackMessage {
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(`${TONE_EMOJI[m.tone]} ${m.title}`, LIMIT.header), emoji: true } },
    { type: 'section', text: mrkdwn(escapeMrkdwn(m.summary)) },
    ...fieldBlocks(m.fields),
  ];
  if (m.steps.length) blocks.push({ type: 'section', text: mrkdwn(m.steps.map(stepLine).join('\n')) });
  blocks.push(...m.sections.map(sectionBlock));
  if (m.buttons.length) blocks.push({ type: 'actions', block_id: 'nestor_actions', elements: m.buttons.map(buttonElement) });
  if (m.context.length) blocks.push({ type: 'context', elements: [mrkdwn(m.context.map(escapeMrkdwn).join('  ·  '))] });
  return { text: cut(m.summary, LIMIT.section), blocks };
}

/** For a slash command's response: ephemeral replies are seen by the requester only. */
export function responseType(m: Message): 'ephemeral' | 'in_channel' {
  return m.visibility === 'ephemeral' ? 'ephemeral' : 'in_channel';
}
