// Renders a neutral Message as terminal text (`nestor shell`, `nestor status`): the same replies as in Slack,
// with buttons shown as the words to type.
import { STEP_MARK, type Message, type Tone } from '../../core/commands/replies.js';

export const TONE_MARK: Readonly<Record<Tone, string>> = {
  info: '·',
  queued: '⧗',
  running: '…',
  pending: '?',
  success: '✓',
  warning: '!',
  failure: '✗',
};

const indent = (lines: readonly string[], by = '  '): string[] => lines.map((l) => `${by}${l}`);

function fieldLines(m: Message): string[] {
  if (m.fields.length === 0) return [];
  const width = Math.max(...m.fields.map((f) => f.label.length));
  return indent(m.fields.map((f) => `${`${f.label}:`.padEnd(width + 1)} ${f.value}`));
}

export function renderText(m: Message): string {
  const lines: string[] = [`${TONE_MARK[m.tone]} ${m.title}${m.visibility === 'ephemeral' ? ' (only you)' : ''}`];
  if (m.summary !== m.title) lines.push(...indent([m.summary]));
  lines.push(...fieldLines(m));
  lines.push(...indent(m.steps.map((s) => `${STEP_MARK[s.state]} ${s.name}${s.detail ? ` — ${s.detail}` : ''}`)));
  for (const section of m.sections) {
    if (section.title) lines.push(`  ${section.title}:`);
    lines.push(...indent(section.lines, section.title || section.monospace ? '    ' : '  '));
  }
  if (m.buttons.length) lines.push(`  ${m.buttons.map((b) => `[${b.label.toLowerCase()} ${b.value}]`).join('  ')}`);
  if (m.context.length) lines.push(`  -- ${m.context.join(' · ')}`);
  return `${lines.join('\n')}\n`;
}
