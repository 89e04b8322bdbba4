// The image declares the ports its processes listen on by default, as Nestor's own settings
// reader gives them: the HTTP port (the bot's /slack/events, `nestor api`) and the operations port
// (/healthz, /readyz, /metrics), so that `docker run -P` and tools reading the image find both.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../../src/main/bot-settings.js';

const DOCKERFILE = readFileSync(fileURLToPath(new URL('../../../Dockerfile', import.meta.url)), 'utf8');

/** The ports of the final stage's EXPOSE instructions. */
function exposed(dockerfile: string): number[] {
  const final = dockerfile.split(/^FROM /m).at(-1) ?? '';
  return [...final.matchAll(/^EXPOSE (.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/).map((p) => Number(p.replace(/\/tcp$/, ''))));
}

describe('the image', () => {
  it('exposes the default HTTP port and the default operations port', () => {
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', REDIS_URL: 'redis://redis:6379/0',
      NESTOR_CONFIG: 'git@github.com:acme/nestor-config.git', NESTOR_HISTORY: 'git@github.com:acme/nestor-history.git',
    };
    const read = readSettings('bot', env, '/');
    if (!read.ok) throw new Error(read.line);
    const ascending = (a: number, b: number) => a - b;
    expect(exposed(DOCKERFILE).sort(ascending)).toEqual([read.settings.port, read.settings.healthPort].sort(ascending));
  });
});
