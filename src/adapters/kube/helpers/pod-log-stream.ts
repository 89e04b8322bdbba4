// `nestor logs`: the logs of every pod of an app (all replicas, all the environment's clusters)
// through the API's `pods/<name>/log` (client-node's Log), each line prefixed with its pod, and
// with `follow` until the signal aborts (Ctrl-C).
import { Writable } from 'node:stream';
import { Log } from '@kubernetes/client-node';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import { mainContainer, podName, type ClusterPods } from './app-pods.js';

export interface LogStreamOptions {
  follow: boolean;
  sinceSeconds?: number;
  /** Ends a follow (all streams) when aborted. */
  signal?: AbortSignal;
  out(text: string): void;
}

/** Writes whole lines, each behind `prefix`; a last line without newline is written at the end. */
class PrefixedLines extends Writable {
  private partial = '';

  constructor(private readonly prefix: string, private readonly out: (text: string) => void) {
    super({ decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = lines.pop() ?? '';
    if (lines.length > 0) this.out(lines.map((l) => `${this.prefix} ${l}\n`).join(''));
    done();
  }

  override _final(done: () => void): void {
    if (this.partial !== '') this.out(`${this.prefix} ${this.partial}\n`);
    this.partial = '';
    done();
  }
}

async function streamPod(found: ClusterPods, pod: string, container: string, prefix: string, options: LogStreamOptions): Promise<void> {
  const lines = new PrefixedLines(prefix, options.out);
  const ended = new Promise<void>((resolve) => lines.on('finish', resolve));
  let request: AbortController;
  try {
    request = await new Log(found.kubeConfig).log(found.namespace, pod, container, lines, {
      follow: options.follow, ...(options.sinceSeconds ? { sinceSeconds: options.sinceSeconds } : {}),
    });
  } catch (err) {
    const code = (err as { code?: number }).code;
    throw new NestorError(ErrorCode.ClusterUnavailable, `cannot read the log of pod ${pod} in ${found.context}${code ? `: HTTP ${code}` : ''}`, { cause: err, retryable: true });
  }
  if (!options.signal) return ended;
  const stop = () => {
    request.abort();
    lines.end();
  };
  if (options.signal.aborted) stop();
  options.signal.addEventListener('abort', stop, { once: true });
  await ended;
  options.signal.removeEventListener('abort', stop);
}

export async function streamLogs(found: readonly ClusterPods[], options: LogStreamOptions): Promise<void> {
  const many = found.filter((c) => c.pods.length > 0).length > 1;
  await Promise.all(found.flatMap((c) => c.pods.map((pod) => {
    const name = podName(pod);
    return streamPod(c, name, mainContainer(pod), many ? `[${c.context}/${name}]` : `[${name}]`, options);
  })));
}
