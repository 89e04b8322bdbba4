// A pod's log through the API's `pods/<name>/log` (client-node's Log), read with `timestamps`
// and split into whole lines. Log pipes the response into our stream but hides the response:
// its end and its errors (a connection cut mid-follow) are watched on the piped source, which
// `pipe` would otherwise leave open for ever after an error.
import { Writable, type Readable } from 'node:stream';
import { ApiException, Log, type KubeConfig } from '@kubernetes/client-node';
import { NestorError } from '../../../core/errors.js';
import { describeRef, timestampedLine, type PodLogLine, type PodLogStreamOptions } from '../../../core/ports/cluster.js';
import { statusError, unavailableError, type ErrorContext } from './cluster-errors.js';

class LineSplitter extends Writable {
  private partial = '';

  constructor(private readonly onLines: (lines: PodLogLine[]) => void) {
    super({ decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = lines.pop() ?? '';
    if (lines.length > 0) this.onLines(lines.map(timestampedLine));
    done();
  }

  override _final(done: () => void): void {
    if (this.partial !== '') this.onLines([timestampedLine(this.partial)]);
    this.partial = '';
    done();
  }
}

/** Resolves once `sink` took all that the response Log pipes into it brought, however that ended. */
function endOf(sink: LineSplitter): Promise<void> {
  return new Promise((resolve) => {
    sink.once('finish', resolve);
    sink.once('pipe', (source: Readable) => {
      const ended = () => {
        if (!sink.writableEnded) sink.end();
      };
      source.once('error', ended);
      source.once('close', ended);
    });
  });
}

export async function streamPodLog(kubeConfig: KubeConfig, ctx: ErrorContext, namespace: string, pod: string, options: PodLogStreamOptions): Promise<void> {
  const sink = new LineSplitter(options.onLines);
  const ended = endOf(sink);
  let request: AbortController;
  try {
    request = await new Log(kubeConfig).log(namespace, pod, options.container, sink, {
      follow: options.follow, timestamps: true, ...(options.sinceTime ? { sinceTime: options.sinceTime } : {}),
    });
  } catch (err) {
    if (err instanceof ApiException && err.code !== 500) throw statusError(ctx, err.code, JSON.stringify(err.body ?? {}));
    if (err instanceof NestorError) throw err;
    throw unavailableError(ctx, `cannot read the log of ${describeRef(ctx.ref!)}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  const stop = () => request.abort();
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    await ended;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}
