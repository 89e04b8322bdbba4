/** Kubeconfig files pointing kubectl and @kubernetes/client-node at one or more simulators. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump } from 'js-yaml';

export interface KubeconfigContext {
  /** Context (and cluster) name, e.g. a `cluster_name` from project.yaml. */
  name: string;
  /** Simulator URL, `http://127.0.0.1:PORT`. */
  server: string;
  namespace?: string;
}

export function kubeconfigYaml(contexts: readonly KubeconfigContext[], currentContext = contexts[0]?.name): string {
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    // @kubernetes/client-node refuses plain http unless skip-tls-verify is set; kubectl ignores it for http.
    clusters: contexts.map((c) => ({ name: c.name, cluster: { server: c.server, 'insecure-skip-tls-verify': true } })),
    users: [{ name: 'kube-sim-user', user: { token: 'kube-sim' } }],
    contexts: contexts.map((c) => ({
      name: c.name,
      context: { cluster: c.name, user: 'kube-sim-user', ...(c.namespace ? { namespace: c.namespace } : {}) },
    })),
    'current-context': currentContext ?? '',
  }, { lineWidth: -1 });
}

/** Writes `<dir>/<fileName>` (default `kubeconfig`) and returns its path. */
export async function writeKubeconfigFile(dir: string, contexts: readonly KubeconfigContext[], fileName = 'kubeconfig'): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, fileName);
  await writeFile(path, kubeconfigYaml(contexts), { mode: 0o600 });
  return path;
}
