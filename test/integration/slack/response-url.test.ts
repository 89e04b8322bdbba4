// Replies to a slash command's response_url: a JSON POST that succeeds on 2xx only.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postToResponseUrl } from '../../../src/adapters/slack/bot/response-url.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve())));

/** A response_url answering `status`; what it received is pushed to `bodies`. */
async function responseUrl(status: number, bodies: unknown[]): Promise<string> {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      bodies.push({ type: req.headers['content-type'], body: JSON.parse(raw) as unknown });
      res.writeHead(status).end();
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/commands/T1/123/abc`;
}

describe('postToResponseUrl', () => {
  it('posts each reply as JSON', async () => {
    const bodies: unknown[] = [];
    const url = await responseUrl(200, bodies);
    await postToResponseUrl(url, { text: 'queued as job 1' });
    await postToResponseUrl(url, { text: 'queued as job 2' });
    expect(bodies).toEqual([
      { type: 'application/json', body: { text: 'queued as job 1' } },
      { type: 'application/json', body: { text: 'queued as job 2' } },
    ]);
  });

  it('fails with the status when Slack refuses the reply', async () => {
    const url = await responseUrl(404, []);
    await expect(postToResponseUrl(url, { text: 'late' })).rejects.toThrow('Failed to respond to the response_url: 404 Not Found');
  });

  it('gives up when no answer came within 10 s, each reply on its own deadline', async () => {
    const arrivals: ((path: string) => void)[] = [];
    const arrived = () => new Promise<string>((resolve) => arrivals.push(resolve));
    server = createServer((req) => arrivals.shift()?.(req.url ?? '')).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/commands/T1/123/`;
    const clock = new ManualClock();
    const settled: string[] = [];
    let arrival = arrived();
    const first = postToResponseUrl(`${base}a`, { text: 'a' }, { clock });
    const firstFailed = expect(first.finally(() => settled.push('a'))).rejects.toThrow('no answer from the response_url within 10 s');
    expect(await arrival).toBe('/commands/T1/123/a');
    await clock.advance(4_000);
    arrival = arrived();
    const second = postToResponseUrl(`${base}b`, { text: 'b' }, { clock });
    const secondFailed = expect(second.finally(() => settled.push('b'))).rejects.toThrow('no answer from the response_url within 10 s');
    expect(await arrival).toBe('/commands/T1/123/b');
    await clock.advance(5_999);
    expect(settled).toEqual([]);
    await clock.advance(1);
    await firstFailed;
    expect(settled).toEqual(['a']);
    await clock.advance(4_000);
    await secondFailed;
  });

  it('refuses a response_url that is not http(s)', async () => {
    await expect(postToResponseUrl('file:///etc/passwd', { text: 'x' })).rejects.toThrow('response_url is not http(s): file:');
  });
});
