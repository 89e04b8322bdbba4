// Fitting a fleet-wide message into Slack: a section stays under Slack's 3,000 characters per
// text (a long list ends with "… and N more"), a message under its 50 blocks (a long thread is
// split into as many replies as needed). Shared by the tracked release and the sync report.
import { message, Tone, type Message, type Section } from '../commands/replies/message.js';

/** Characters per section, below Slack's 3,000 with room for the title and the mrkdwn of the renderer. */
export const SECTION_BUDGET = 2_800;
/** Sections per thread reply, below Slack's 50 blocks with room for the header, summary and context. */
export const SECTIONS_PER_REPLY = 40;

/** One summary message, and the replies in its thread. */
export interface ThreadedMessages {
  summary: Message;
  /** Replies in the summary's thread, in order. */
  thread: Message[];
}

/** How long `text` is once escaped for Slack (`&` → `&amp;`, `<` and `>` → `&lt;` and `&gt;`). */
export function slackLength(text: string): number {
  let extra = 0;
  for (const ch of text) if (ch === '&') extra += 4;
  else if (ch === '<' || ch === '>') extra += 3;
  return text.length + extra;
}

/** `lines` as long as they fit the budget (each followed by `separator`), then `… and N more`. */
export function fitLines(lines: readonly string[], budget = SECTION_BUDGET, separator = '\n'): string[] {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const more = `… and ${lines.length - i} more`;
    const cost = slackLength(line) + separator.length;
    const rest = lines.length - i - 1;
    // The last line needs no room for a "more" line after it.
    if (used + cost + (rest > 0 ? more.length : 0) > budget) return [...out, more];
    out.push(line);
    used += cost;
  }
  return out;
}

/** `lines` cut into chunks that each fit a section. */
export function chunkLines(lines: readonly string[], budget = SECTION_BUDGET): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let used = 0;
  for (const line of lines) {
    const shown = slackLength(line) + 1 > budget ? `${line.slice(0, budget / 2)}…` : line;
    const cost = slackLength(shown) + 1;
    if (used + cost > budget && current.length > 0) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(shown);
    used += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Thread replies of at most SECTIONS_PER_REPLY sections each, numbered `(i/n)` when there are several. */
export function threadReplies(sections: readonly Section[], title: string, summary: string): Message[] {
  const replies: Section[][] = [];
  for (let i = 0; i < sections.length; i += SECTIONS_PER_REPLY) replies.push(sections.slice(i, i + SECTIONS_PER_REPLY));
  return replies.map((chunk, i, all) => message({
    tone: Tone.Info,
    title: `${title}${all.length > 1 ? ` (${i + 1}/${all.length})` : ''}`,
    summary,
    sections: chunk,
  }));
}
