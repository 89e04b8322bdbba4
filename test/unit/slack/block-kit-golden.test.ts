import { describe, expect, it } from 'vitest';
import { expectGolden as golden } from '../../support/golden.js';

const expectGolden = (name: string, actual: string) => golden(`slack/${name}`, actual);
import { renderText } from '../../../src/adapters/cli/text-render.js';
import { escapeMrkdwn, toBlockKit } from '../../../src/adapters/slack/block-kit.js';
import { SAMPLES } from './sample-messages.js';


describe('Block Kit golden files (UPDATE_GOLDEN=1 rewrites them)', () => {
  it.each(Object.keys(SAMPLES))('%s', async (name) => {
    await expectGolden(`${name}.json`, `${JSON.stringify(toBlockKit(SAMPLES[name]!), null, 2)}\n`);
  });
});

describe('terminal text golden files', () => {
  it('renders every sample as text', async () => {
    const text = Object.entries(SAMPLES).map(([name, m]) => `## ${name}\n${renderText(m)}`).join('\n');
    await expectGolden('all-messages.txt', text);
  });
});

describe('Block Kit safety', () => {
  it('escapes user content so it cannot mention or link', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    const json = JSON.stringify(toBlockKit(SAMPLES['release-announcement']!));
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('&lt;!channel&gt;');
  });

  it('never shows a secret value', () => {
    for (const name of ['config-get', 'config-set-secret']) {
      const m = SAMPLES[name]!;
      expect(JSON.stringify(toBlockKit(m))).not.toContain('s3cr3t');
      expect(renderText(m)).not.toContain('s3cr3t');
    }
    expect(JSON.stringify(toBlockKit(SAMPLES['config-get']!))).toContain('API_KEY=********');
  });

  it('keeps within Block Kit limits', () => {
    for (const m of Object.values(SAMPLES)) {
      const { blocks, text } = toBlockKit(m);
      expect(blocks.length).toBeLessThanOrEqual(50);
      expect(text.length).toBeLessThanOrEqual(3000);
      for (const block of blocks) {
        if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
        if (block.type === 'section' && 'fields' in block) expect(block.fields.length).toBeLessThanOrEqual(10);
      }
    }
  });
});
