/**
 * `pods/<name>/portforward` over a WebSocket, as the kubelet's streaming server frames it
 * (k8s.io/kubelet/pkg/cri/streaming/portforward/websocket.go, protocol `v4.channel.k8s.io`):
 * two channels per requested port (2i data, 2i+1 error), each opened by the port number as two
 * little-endian bytes; the data channel then carries the TCP stream both ways. Where a pod's
 * port leads is set by a test (`sim.pods.forwardPort`): a local TCP port. Nothing there, or
 * nothing set, and the error channel says so, as a kubelet does when the dial fails.
 */
import { connect, type Socket } from 'node:net';
import { apiErrors } from './api-error.js';
import { channelFrame, WS_OPEN, type WsSocket } from './websocket.js';

export const PORTFORWARD_PROTOCOLS = ['v4.channel.k8s.io'] as const;

export interface PortForwardRequest {
  namespace: string;
  pod: string;
  uid: string;
  ports: readonly number[];
}

/** The `ports` query (repeated or comma-separated), checked before the upgrade. */
export function requestedPorts(query: URLSearchParams): number[] {
  const values = query.getAll('ports').flatMap((v) => v.split(','));
  if (values.length === 0) throw apiErrors.badRequest('query parameter "port" is required');
  return values.map((v) => {
    const port = Number(v);
    if (!/^\d+$/.test(v) || port < 1 || port > 65535) throw apiErrors.badRequest(`unable to parse "${v}" as a port: port must be > 0 and < 65536`);
    return port;
  });
}

function portBytes(port: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16LE(port, 0);
  return bytes;
}

/** `target(port)`: the local TCP port a test set for this pod's port, or undefined. */
export function servePortForward(ws: WsSocket, request: PortForwardRequest, target: (port: number) => number | undefined): void {
  const send = (channel: number, data: Buffer | string) => {
    if (ws.readyState === WS_OPEN) ws.send(channelFrame(channel, data));
  };
  const sockets = new Map<number, Socket>();
  const ended = new Set<number>();
  const done = (i: number) => {
    ended.add(i);
    if (ended.size === request.ports.length && ws.readyState === WS_OPEN) ws.close(1000);
  };
  const fail = (i: number, port: number, reason: string) => {
    if (!ended.has(i)) send(2 * i + 1, `error forwarding port ${port} to pod ${request.pod}, uid ${request.uid}: ${reason}`);
    done(i);
  };
  request.ports.forEach((port, i) => {
    send(2 * i, portBytes(port));
    send(2 * i + 1, portBytes(port));
    const local = target(port);
    if (local === undefined) return fail(i, port, `failed to connect to localhost:${port} inside the pod: connection refused`);
    const socket = connect({ host: '127.0.0.1', port: local });
    sockets.set(2 * i, socket);
    socket.on('data', (data: Buffer) => send(2 * i, data));
    socket.on('error', (error) => fail(i, port, `failed to connect to localhost:${port} inside the pod: ${error.message}`));
    socket.on('end', () => done(i));
  });
  // The server's binaryType is 'nodebuffer': every message is one Buffer.
  ws.on('message', (raw) => {
    const data = raw as Buffer;
    const socket = sockets.get(data[0] ?? -1);
    if (socket && !socket.destroyed) socket.write(data.subarray(1));
  });
  ws.on('close', () => {
    for (const socket of sockets.values()) socket.end();
  });
}
