// Replies to a slash command go to its response_url: a JSON POST over node's http(s), one
// keep-alive agent per protocol. Bolt's respond() (kept for button clicks, which come one at a
// time) posts through the global fetch, whose request and body streams cost the bot's event loop
// more per reply than an ack does: a burst of commands delayed the acks of the commands behind it.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

const TIMEOUT_MS = 10_000;

type Send = (url: URL, options: RequestOptions, answered: (res: IncomingMessage) => void) => ClientRequest;

const transports: Record<string, { send: Send; agent: HttpAgent }> = {
  'http:': { send: httpRequest, agent: new HttpAgent({ keepAlive: true }) },
  'https:': { send: httpsRequest, agent: new HttpsAgent({ keepAlive: true }) },
};

/** Resolves once Slack answered 2xx; rejects on any other status (the error's `status`), a network error or no answer in 10 s. */
export async function postToResponseUrl(responseUrl: string, body: object): Promise<void> {
  const url = new URL(responseUrl);
  const transport = transports[url.protocol];
  if (!transport) throw new Error(`response_url is not http(s): ${url.protocol}`);
  const payload = Buffer.from(JSON.stringify(body));
  try {
    await post(transport, url, payload);
  } catch (error) {
    // A kept-alive socket the server closed meanwhile: the request never reached it (Node's own advice: send again).
    if (!(error instanceof StaleSocket)) throw error;
    await post(transport, url, payload);
  }
}

class StaleSocket extends Error {}

function post(transport: { send: Send; agent: HttpAgent }, url: URL, payload: Buffer): Promise<void> {
  const headers = { 'content-type': 'application/json', 'content-length': payload.length };
  return new Promise((resolve, reject) => {
    const request = transport.send(url, { method: 'POST', agent: transport.agent, headers }, (res) => {
      res.resume();
      res.once('error', reject);
      res.once('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(Object.assign(new Error(`Failed to respond to the response_url: ${status} ${res.statusMessage ?? ''}`.trimEnd()), { status }));
      });
    });
    request.setTimeout(TIMEOUT_MS, () => request.destroy(new Error(`no answer from the response_url within ${TIMEOUT_MS / 1000} s`)));
    request.once('error', (error: NodeJS.ErrnoException) => {
      reject(request.reusedSocket && error.code === 'ECONNRESET' ? new StaleSocket(error.message) : error);
    });
    request.end(payload);
  });
}
