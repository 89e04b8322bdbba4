/**
 * `pods/<name>/exec` over a WebSocket, framed as the kubelet's streaming server does
 * (k8s.io/kubelet/pkg/cri/streaming/remotecommand/websocket.go and httpstream.go):
 * channels 0 stdin, 1 stdout, 2 stderr, 3 error (a `Status` in v4 and later), 4 resize; an empty
 * frame on the lowest writable channel once open; `v5.channel.k8s.io` adds the close signal
 * (255, channel) a client sends when its stdin ends. The command runs the handler a test set
 * with `sim.pods.onExec`; its exit code comes back as the Status kubectl and client-node read.
 */
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { channelFrame, WS_OPEN, type WsSocket } from './websocket.js';

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

const [STDIN, STDOUT, STDERR, ERROR] = [0, 1, 2, 3];
const CLOSE_SIGNAL = 255;

export interface ExecCall {
  namespace: string;
  pod: string;
  container: string;
  command: readonly string[];
  tty: boolean;
  /** What the client sends; ends when it closes its stdin (or absent: already ended). */
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Runs a command "in" a pod; resolves to its exit code. */
export type ExecHandler = (call: ExecCall) => number | Promise<number>;

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  query: URLSearchParams;
}

function channelWriter(ws: WsSocket, channel: number): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (ws.readyState === WS_OPEN) ws.send(channelFrame(channel, chunk));
      done();
    },
  });
}

/** The Status of channel 3, encoded as the API's legacy codec writes it. */
export function execStatus(command: readonly string[], exitCode: number): string {
  if (exitCode === 0) return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
  return JSON.stringify({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  });
}

function internalError(message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 });
}

export function serveExec(ws: WsSocket, request: ExecRequest, handler: ExecHandler | undefined): void {
  const flag = (name: string) => request.query.get(name) === 'true' || request.query.get(name) === '1';
  const command = request.query.getAll('command');
  const stdin = new PassThrough();
  if (!flag('stdin')) stdin.end();
  const stdout = flag('stdout') ? channelWriter(ws, STDOUT) : new PassThrough().resume();
  const stderr = flag('stderr') ? channelWriter(ws, STDERR) : new PassThrough().resume();
  // The server's binaryType is 'nodebuffer': every message is one Buffer.
  ws.on('message', (raw) => {
    const data = raw as Buffer;
    if (data[0] === CLOSE_SIGNAL && ws.protocol === 'v5.channel.k8s.io') {
      if (data[1] === STDIN) stdin.end();
      return;
    }
    if (data[0] === STDIN && !stdin.writableEnded) stdin.write(data.subarray(1));
  });
  ws.on('close', () => stdin.end());
  const lowest = flag('stdout') ? STDOUT : flag('stderr') ? STDERR : ERROR;
  ws.send(channelFrame(lowest, Buffer.alloc(0)));
  // What the command printed goes out before its status, as the kubelet copies its streams first.
  const finish = async (status: string) => {
    await Promise.all([stdout, stderr].map((stream) => (stream.end(), finished(stream).catch(() => undefined))));
    if (ws.readyState !== WS_OPEN) return;
    ws.send(channelFrame(ERROR, status));
    ws.close(1000);
  };
  if (!handler) return void finish(internalError('the simulator runs no command in pods: a test sets one with sim.pods.onExec'));
  const call: ExecCall = { namespace: request.namespace, pod: request.pod, container: request.container, command, tty: flag('tty'), stdin, stdout, stderr };
  Promise.resolve()
    .then(() => handler(call))
    .then(
      (exitCode) => finish(execStatus(command, exitCode)),
      (error: unknown) => finish(internalError(error instanceof Error ? error.message : String(error))),
    );
}
