/**
 * The WebSocket side of the simulator, on the `ws` package (the one @kubernetes/client-node
 * itself connects with).
 */
import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

export type WsSocket = WebSocket;
export type WsServer = WebSocketServer;

export const WS_OPEN = WebSocket.OPEN;

/** A server that answers upgrades itself (no port of its own); picks `choose(offered)` as the subprotocol. */
export function webSocketServer(choose: (offered: readonly string[], req: IncomingMessage) => string | undefined): WsServer {
  return new WebSocketServer({ noServer: true, handleProtocols: (offered, req) => choose([...offered], req) ?? false });
}

/** The subprotocols a client offers, in its order of preference. */
export function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
}

/** A frame of the channel protocols (channel.k8s.io, portforward): one byte of channel, then data. */
export function channelFrame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}
