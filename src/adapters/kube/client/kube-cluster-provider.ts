// ClusterProvider on a kubeconfig: one Cluster per context, named like an environment's
// `cluster_name`. The KubeConfig is built by the caller (main/) and injected here.
import { KubeConfig } from '@kubernetes/client-node';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import type { Cluster, ClusterProvider } from '../../../core/ports/cluster.js';
import { kubeConfigTransports, type Transport, type WatchTransport } from './http-transport.js';
import { KubeCluster } from './kube-cluster.js';
import { DEFAULT_RETRY_POLICY, type KubeRetryPolicy } from './retry.js';

export interface KubeClusterProviderOptions {
  /** Overrides of the retry policy (attempts, delays, per-request timeout, clock, random). */
  retry?: Partial<KubeRetryPolicy>;
  /** How requests are sent for one context (default: HTTP(S) with the kubeconfig's credentials). */
  transport?: (kubeConfig: KubeConfig) => Transport;
  /** How watches are streamed for one context; with a `transport` of its own and none here, rollouts are polled. */
  watch?: (kubeConfig: KubeConfig) => WatchTransport;
}

/** Reads a kubeconfig file; the caller picks the path (e.g. from `--kubeconfig` or KUBECONFIG). */
export function kubeConfigFromFile(path: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(path);
  } catch (err) {
    throw new NestorError(ErrorCode.ConfigInvalid, `cannot read kubeconfig ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return kubeConfig;
}

export class KubeClusterProvider implements ClusterProvider {
  private readonly clusters = new Map<string, Cluster>();
  private readonly retry: KubeRetryPolicy;

  private loaded: KubeConfig | undefined;

  /** `kubeConfig` may be a loader: read at the first cluster asked for, so commands that need none never read it. */
  constructor(private readonly source: KubeConfig | (() => KubeConfig), private readonly options: KubeClusterProviderOptions = {}) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  private get kubeConfig(): KubeConfig {
    this.loaded ??= typeof this.source === 'function' ? this.source() : this.source;
    return this.loaded;
  }

  cluster(contextName: string): Cluster {
    const known = this.clusters.get(contextName);
    if (known) return known;
    const context = this.kubeConfig.getContextObject(contextName);
    if (!context) {
      const names = this.kubeConfig.getContexts().map((c) => c.name).join(', ') || 'none';
      throw new NestorError(ErrorCode.ConfigInvalid, `no kubeconfig context named "${contextName}" (known: ${names})`);
    }
    const forContext = this.kubeConfigFor(contextName);
    const server = forContext.getCurrentCluster();
    if (!server) throw new NestorError(ErrorCode.ConfigInvalid, `kubeconfig context "${contextName}" names no known cluster`);
    if (server.server.startsWith('http:') && !server.skipTLSVerify) {
      throw new NestorError(ErrorCode.ConfigInvalid,
        `kubeconfig context "${contextName}": ${server.server} is plain HTTP; set insecure-skip-tls-verify: true on its cluster to allow it`);
    }
    const { transport, watch } = this.transportsFor(forContext);
    const cluster = new KubeCluster({
      name: contextName, transport, ...(watch ? { watch } : {}), retry: this.retry, defaultNamespace: context.namespace ?? 'default', kubeConfig: forContext,
    });
    this.clusters.set(contextName, cluster);
    return cluster;
  }

  private transportsFor(kubeConfig: KubeConfig): { transport: Transport; watch?: WatchTransport } {
    const watch = this.options.watch?.(kubeConfig);
    if (this.options.transport) return { transport: this.options.transport(kubeConfig), ...(watch ? { watch } : {}) };
    const made = kubeConfigTransports(kubeConfig);
    return { transport: made.transport, watch: watch ?? made.watch };
  }

  /** A KubeConfig whose current context is `contextName` (the injected one is left untouched). */
  private kubeConfigFor(contextName: string): KubeConfig {
    const copy = new KubeConfig();
    copy.loadFromOptions({
      clusters: this.kubeConfig.getClusters(),
      users: this.kubeConfig.getUsers(),
      contexts: this.kubeConfig.getContexts(),
      currentContext: contextName,
    });
    return copy;
  }
}
