// Checks that a message rendered as Block Kit fits Slack: at most 50 blocks, at most 3,000
// characters per section text, and any cut made by the builder's own "… and N more".
import { expect } from 'vitest';
import type { SlackMessage } from '../../src/adapters/slack/block-kit.js';

export function sectionTexts(m: SlackMessage): string[] {
  return m.blocks.flatMap((b) => (b.type === 'section' && 'text' in b ? [b.text.text] : []));
}

export function withinLimits(m: SlackMessage): void {
  expect(m.blocks.length).toBeLessThanOrEqual(50);
  for (const text of sectionTexts(m)) {
    expect(text.length).toBeLessThanOrEqual(3000);
    // Cut by our own "… and N more", never by the renderer's blind cut.
    expect(text.endsWith('…') && !/and \d+ more$/.test(text)).toBe(false);
  }
}
