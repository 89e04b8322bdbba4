import { describe, expect, it } from 'vitest';
import { toBlockKit } from '../../../src/adapters/slack/block-kit.js';
import { DETAIL_LIMIT, type ApprovalDetails } from '../../../src/core/commands/approval-details.js';
import { createApproval } from '../../../src/core/commands/approval.js';
import { approvalMessage } from '../../../src/core/commands/replies.js';

const names = (prefix: string) => Array.from({ length: DETAIL_LIMIT }, (_, i) => `${prefix} production/${'x'.repeat(50)}-${i}`);

/** The most a request keeps: every list full, on four clusters, with long subjects and values. */
const huge: ApprovalDetails = {
  running: { sha: 'a'.repeat(40), ref: 'r'.repeat(200) },
  commits: { direction: 'adds', total: 5000, shown: Array.from({ length: DETAIL_LIMIT }, (_, i) => ({ sha: `${i}`.padEnd(40, 'b'), subject: 's'.repeat(100) })) },
  config: Array.from({ length: DETAIL_LIMIT * 2 }, (_, i) => ({ key: `KEY_${i}_${'K'.repeat(40)}`, change: 'changed', before: 'v'.repeat(60), after: 'w'.repeat(60) })),
  configTotal: 900,
  objects: ['a', 'b', 'c', 'd'].map((c) => ({
    cluster: `cluster-${c}`, create: names('Deployment'), update: names('ConfigMap'), delete: names('CronJob'), unchanged: 0, counts: { create: 40, update: 40, delete: 40 },
  })),
  notes: ['n'.repeat(300)],
};

describe('an approval request at its largest', () => {
  it('stays within Block Kit limits, and says how many more there are', () => {
    const request = createApproval({
      id: 'apr-big', app: 'mary', env: 'production', sha: 'a'.repeat(40), configHash: 'c'.repeat(16), operation: 'deploy mary@main to production',
      requester: { id: 'U0ALICE', name: 'alice' }, approvers: [{ id: 'U0CAROL', name: 'carol' }], expiresMinutes: 60, details: huge,
    }, new Date('2026-12-01T00:00:00Z'));
    const { blocks, text } = toBlockKit(approvalMessage(request));
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(text.length).toBeLessThanOrEqual(3000);
    for (const block of blocks) {
      if (block.type === 'section' && 'text' in block) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      if (block.type === 'section' && 'fields' in block) {
        expect(block.fields.length).toBeLessThanOrEqual(10);
        for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(2000);
      }
      if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(10);
    }
    const sections = blocks.flatMap((b) => (b.type === 'section' && 'text' in b ? [b.text.text] : []));
    const titled = (title: string) => sections.find((t) => t.startsWith(`*${title}`)) ?? '';
    expect(titled('Commits it brings (5000)')).toMatch(/… and 4990 more$/);
    // Fewer keys than kept fit in a section: the count of the rest says so.
    expect(titled('Config keys that change (900)')).toMatch(/\n… and (\d+) more$/);
    expect(Number(/and (\d+) more$/.exec(titled('Config keys'))?.[1])).toBeGreaterThan(880);
    expect(titled('Objects')).toMatch(/… and \d+ more```$/);
  });
});
