/**
 * The WebSocket side of the simulator, on the `ws` package (the one @kubernetes/client-node
 * itself connects with). Typed here by the little the simulator uses, since the project does not
 * depend on `ws` (nor `@types/ws`) directly: it comes with client-node.
 */
import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export interface WsSocket {
  readonly protocol: string;
  readonly readyState: number;
  send(data: Buffer): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

export interface WsServer {
  readonly clients: Set<WsSocket>;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: WsSocket) => void): void;
  close(): void;
}

interface WsModule {
  WebSocketServer: new (options: { noServer: true; handleProtocols?: (offered: Set<string>, req: IncomingMessage) => string | false }) => WsServer;
}

export const WS_OPEN = 1;

/** A server that answers upgrades itself (no port of its own); picks `choose(offered)` as the subprotocol. */
export function webSocketServer(choose: (offered: readonly string[], req: IncomingMessage) => string | undefined): WsServer {
  const { WebSocketServer } = createRequire(import.meta.url)('ws') as WsModule;
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
