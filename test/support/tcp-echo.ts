// A real TCP server on a free port that answers what it receives with `echo: <data>`: what a
// pod's port leads to in the port-forward tests.
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpEcho {
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startTcpEcho(): Promise<TcpEcho> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (data: Buffer) => socket.write(`echo: ${data.toString('utf8')}`));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
