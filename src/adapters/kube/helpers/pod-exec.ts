// `nestor exec`: a command in a pod through the API's `pods/<name>/exec` subresource
// (client-node's Exec, WebSocket), its output streamed, its exit code read from the Status the
// API sends on the error channel (a NonZeroExitCode cause), as kubectl reads it.
import type { Readable, Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import { ErrorCode, NestorError } from '../../../core/errors.js';

export interface ExecTarget {
  kubeConfig: KubeConfig;
  namespace: string;
  pod: string;
  container: string;
}

export interface ExecStreams {
  stdout: Writable;
  stderr: Writable;
  /** Sent to the command when given; otherwise its stdin is closed. */
  stdin?: Readable;
}

/** The exit code a Status carries: 0 on Success, the ExitCode cause on NonZeroExitCode. */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && cause?.message !== undefined && /^\d+$/.test(cause.message)) return Number(cause.message);
  throw new NestorError(ErrorCode.ClusterUnavailable, `the command could not run: ${status.message ?? status.reason ?? 'unknown error'}`);
}

export async function execInPod(target: ExecTarget, command: readonly string[], streams: ExecStreams): Promise<number> {
  const status = await new Promise<V1Status>((resolve, reject) => {
    new Exec(target.kubeConfig)
      .exec(target.namespace, target.pod, target.container, [...command], streams.stdout, streams.stderr, streams.stdin ?? null, false, resolve)
      .then((ws) => {
        // A connection that ends without a Status (the API went away) is an error, not a success.
        (ws as unknown as { addEventListener(e: 'close', l: () => void): void }).addEventListener('close', () => {
          reject(new NestorError(ErrorCode.ClusterUnavailable, `the connection to pod ${target.pod} closed before the command's exit status came`, { retryable: true }));
        });
      }, (error: unknown) => {
        reject(new NestorError(ErrorCode.ClusterUnavailable, `cannot exec in pod ${target.pod}: ${error instanceof Error ? error.message : String(error)}`, { cause: error, retryable: true }));
      });
  });
  return exitCodeOf(status);
}
