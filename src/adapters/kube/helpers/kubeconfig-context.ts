// The kubeconfig the helpers read, and a KubeConfig on one of its contexts (the environment's),
// as client-node's Log, PortForward and Exec want it: its current context.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import { closestWord } from '../../../core/text/did-you-mean.js';

/** `--kubeconfig`, then the first file of $KUBECONFIG, then ~/.kube/config (as the release runtime reads it). */
export function kubeconfigPath(cwd: string, env: Readonly<Record<string, string | undefined>>, option?: string): string {
  const path = option ?? env.KUBECONFIG?.split(':')[0] ?? join(env.HOME ?? homedir(), '.kube', 'config');
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** A KubeConfig whose current context is `context`; a context the file lacks is named, with its closest. */
export function kubeConfigOn(path: string, context: string): KubeConfig {
  const file = new KubeConfig();
  try {
    file.loadFromFile(path);
  } catch (err) {
    throw new NestorError(ErrorCode.ConfigInvalid, `cannot read kubeconfig ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const names = file.getContexts().map((c) => c.name);
  if (!names.includes(context)) {
    const guess = closestWord(context, names);
    throw new NestorError(ErrorCode.ConfigInvalid, `no context "${context}" in kubeconfig ${path}${guess ? `; did you mean "${guess}"?` : ''} (known: ${names.join(', ') || 'none'})`);
  }
  const on = new KubeConfig();
  on.loadFromOptions({ clusters: file.getClusters(), users: file.getUsers(), contexts: file.getContexts(), currentContext: context });
  const server = on.getCurrentCluster();
  if (!server) throw new NestorError(ErrorCode.ConfigInvalid, `kubeconfig context "${context}" names no known cluster`);
  if (server.server.startsWith('http:') && !server.skipTLSVerify) {
    throw new NestorError(ErrorCode.ConfigInvalid, `kubeconfig context "${context}": ${server.server} is plain HTTP; set insecure-skip-tls-verify: true on its cluster to allow it`);
  }
  return on;
}
