// The end of what a one-off Job's pod printed (its last pod: a retried Job makes a new one), as
// one line for a message: a failed image build or datastore Job says why with it.
import type { Cluster } from '../ports/cluster.js';

/** Lines of the pod's log shown. */
export const LOG_TAIL_LINES = 5;

/** `; the end of its log: a | b`, or `; its pod left no log`. */
export async function jobLogTail(cluster: Cluster, namespace: string, job: string): Promise<string> {
  const pods = await cluster.list({ namespace, kinds: [{ apiVersion: 'v1', kind: 'Pod' }], labelSelector: `job-name=${job}` });
  const pod = pods.at(-1);
  const log = pod ? await cluster.podLog(namespace, pod.metadata.name, { tailLines: LOG_TAIL_LINES }) : undefined;
  const lines = (log ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.length > 0 ? `; the end of its log: ${lines.join(' | ')}` : '; its pod left no log';
}
