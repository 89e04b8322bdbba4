// `nestor port-forward`: a local TCP port whose every connection is carried to a pod's port
// through the API's `pods/<name>/portforward` subresource (client-node's PortForward: one
// WebSocket per connection), until the signal aborts (Ctrl-C).
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
import { ErrorCode, NestorError } from '../../../core/errors.js';

export interface ForwardTarget {
  kubeConfig: KubeConfig;
  namespace: string;
  pod: string;
}

export interface Forwarding {
  /** The local port listened on (the one asked for, or the free one picked). */
  port: number;
  /** Stops listening and ends every open connection. */
  close(): Promise<void>;
}

interface ChannelSocket {
  addEventListener(event: 'close', listener: () => void): void;
  close(): void;
}

/** What the error channel says, one line at a time (the connection is closed after it). */
function errorLines(err: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      err(`port-forward: ${chunk.toString('utf8').trim()}\n`);
      done();
    },
  });
}

function carry(target: ForwardTarget, remote: number, socket: Socket, err: (text: string) => void): void {
  socket.on('error', () => socket.destroy());
  new PortForward(target.kubeConfig).portForward(target.namespace, target.pod, [remote], socket, errorLines(err), socket).then(
    (opened) => {
      const ws = opened as unknown as ChannelSocket;
      ws.addEventListener('close', () => socket.end());
      socket.on('close', () => ws.close());
    },
    (error: unknown) => {
      err(`port-forward: cannot reach pod ${target.pod}: ${error instanceof Error ? error.message : String(error)}\n`);
      socket.destroy();
    },
  );
}

export async function forwardPort(target: ForwardTarget, ports: { local: number; remote: number }, err: (text: string) => void): Promise<Forwarding> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    carry(target, ports.remote, socket, err);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new NestorError(ErrorCode.BadInput, `cannot listen on 127.0.0.1:${ports.local}: ${error.code ?? error.message}`, { cause: error }));
    });
    server.listen(ports.local, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
