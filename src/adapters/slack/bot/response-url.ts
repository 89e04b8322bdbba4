// Replies to a slash command go to its response_url: a JSON POST over node's http(s), one
// keep-alive agent per protocol. Bolt's respond() (kept for button clicks, which come one at a
// time) posts through the global fetch, whose request and body streams cost the bot's event loop
// more per reply than an ack does: a burst of commands delayed the acks of the commands behind it.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Clock } from '../../../core/ports/clock.js';
import { systemClock } from '../../system/system-clock.js';
import { deadlineLane, type DeadlineLane } from './deadline-lane.js';

const TIMEOUT_MS = 10_000;

type Send = (options: RequestOptions, answered: (res: IncomingMessage) => void) => ClientRequest;

interface Transport {
  send: Send;
  agent: HttpAgent;
}

const transports: Record<string, Transport> = {
  'http:': { send: httpRequest, agent: new HttpAgent({ keepAlive: true }) },
  'https:': { send: httpsRequest, agent: new HttpsAgent({ keepAlive: true }) },
};

export interface ReplyTiming {
  /** Default: the system clock. */
  clock?: Clock;
}

/**
 * Resolves once Slack answered 2xx; rejects on any other status (the error's `status`), a network
 * error or no answer in 10 s. The 10 s are a deadline on a lane shared by every reply (one timer
 * for a burst, not a socket timeout and its listeners per request).
 */
export async function postToResponseUrl(responseUrl: string, body: object, timing: ReplyTiming = {}): Promise<void> {
  const url = new URL(responseUrl);
  const transport = transports[url.protocol];
  if (!transport) throw new Error(`response_url is not http(s): ${url.protocol}`);
  const payload = Buffer.from(JSON.stringify(body));
  // Options, not the URL object: http.request first copies every field of a URL into options.
  const options: RequestOptions = {
    method: 'POST', hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), path: url.pathname + url.search, agent: transport.agent,
    headers: { 'content-type': 'application/json', 'content-length': payload.length },
    ...(url.port ? { port: url.port } : {}),
    ...(url.username || url.password ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
  };
  const lane = deadlineLane(timing.clock ?? systemClock, TIMEOUT_MS);
  try {
    await post(transport, options, payload, lane);
  } catch (error) {
    // A kept-alive socket the server closed meanwhile: the request never reached it (Node's own advice: send again).
    if (!(error instanceof StaleSocket)) throw error;
    await post(transport, options, payload, lane);
  }
}

class StaleSocket extends Error {}

function post(transport: Transport, options: RequestOptions, payload: Buffer, lane: DeadlineLane): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = transport.send(options, (res) => {
      res.resume();
      res.once('error', (error) => {
        answered();
        reject(error);
      });
      res.once('end', () => {
        answered();
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(Object.assign(new Error(`Failed to respond to the response_url: ${status} ${res.statusMessage ?? ''}`.trimEnd()), { status }));
      });
    });
    const answered = lane.add(() => request.destroy(new Error(`no answer from the response_url within ${TIMEOUT_MS / 1000} s`)));
    request.once('error', (error: NodeJS.ErrnoException) => {
      answered();
      reject(request.reusedSocket && error.code === 'ECONNRESET' ? new StaleSocket(error.message) : error);
    });
    request.end(payload);
  });
}
