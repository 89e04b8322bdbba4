// The load generator of slack-ack.bench, run as a worker thread so that sending and timing
// requests does not share the event loop of the Bolt apps being measured. It keeps one
// keep-alive agent per target URL (at most SOCKETS sockets each) for the whole run; each
// `burst` message fires every request at once and answers with the time of each one from
// send to the last byte of its response.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';

export interface BurstRequest {
  body: string;
  headers: Record<string, string>;
}

export type ClientMessage =
  | { kind: 'burst'; url: string; requests: BurstRequest[]; sockets: number; timeoutMs: number }
  | { kind: 'close' };

export interface BurstResult {
  /** Milliseconds from send to response end, in the order of the requests. */
  latencies: number[];
  /** HTTP status per request; 0 when it failed or timed out. */
  statuses: number[];
  /** Milliseconds from the first send to the last response. */
  wallMs: number;
  /** What failed, first few only. */
  errors: string[];
}

const agents = new Map<string, Agent>();

function agentFor(url: string, sockets: number): Agent {
  let agent = agents.get(url);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
    agents.set(url, agent);
  }
  return agent;
}

function send(url: URL, agent: Agent, req: BurstRequest, timeoutMs: number): Promise<{ ms: number; status: number; error?: string }> {
  return new Promise((resolve) => {
    const start = performance.now();
    let settled = false;
    const done = (status: number, error?: string) => {
      if (settled) return;
      settled = true;
      resolve({ ms: performance.now() - start, status, ...(error ? { error } : {}) });
    };
    const body = Buffer.from(req.body);
    const outgoing = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { ...req.headers, 'content-length': String(body.length) } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => done(res.statusCode ?? 0));
        res.on('error', (e) => done(0, e.message));
      },
    );
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', (e) => done(0, e.message));
    outgoing.end(body);
  });
}

async function burst(message: Extract<ClientMessage, { kind: 'burst' }>): Promise<BurstResult> {
  const url = new URL(message.url);
  const agent = agentFor(message.url, message.sockets);
  const start = performance.now();
  const results = await Promise.all(message.requests.map((r) => send(url, agent, r, message.timeoutMs)));
  const wallMs = performance.now() - start;
  return {
    latencies: results.map((r) => r.ms),
    statuses: results.map((r) => r.status),
    wallMs,
    errors: results.flatMap((r) => (r.error ? [r.error] : [])).slice(0, 5),
  };
}

parentPort?.on('message', (message: ClientMessage) => {
  if (message.kind === 'close') {
    for (const agent of agents.values()) agent.destroy();
    agents.clear();
    parentPort?.close();
    return;
  }
  void burst(message).then((result) => parentPort?.postMessage(result));
});
