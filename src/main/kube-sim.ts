/** Composition root of `npm run kube-sim`: the Kubernetes API simulator alone, and a kubeconfig for it. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startKubeSimulator } from '../testkit/kube-sim/index.js';

/** The cluster_name of the example nestor-config's dev environments (dev1, dev2, dev3). */
const EXAMPLE_DEV_CONTEXT = 'kapten_dev_eu-w1';

const USAGE = `usage: npm run kube-sim -- [options]
  --port N                 port to listen on (default 0: any free port)
  --context NAME           a kubeconfig context for the simulator, repeatable; name them as the
                           environments' cluster_name (default ${EXAMPLE_DEV_CONTEXT}, the example's dev clusters)
  --kubeconfig-dir DIR     where to write the kubeconfig (default a new temporary folder)
  --crashing-image IMAGE   pods of this image crash (CrashLoopBackOff), repeatable: a whole
                           reference (registry/org/app:tag) or a tag (a commit sha); no other image fails
  --missing-image IMAGE    this image cannot be pulled (ImagePullBackOff), repeatable, matched the same way
  --latency-ms N           every answer comes N ms after its request, on a timer, as from a real
                           API server (default 0; a watch waits once, then streams)
  --no-prometheus-operator serve none of prometheus-operator's kinds (PrometheusRule, AlertmanagerConfig,
                           ServiceMonitor), as a cluster without it (default: its CRDs are installed)
  --verbose                print every request
  --help                   this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'kubeconfig-dir': { type: 'string' },
      context: { type: 'string', multiple: true },
      'crashing-image': { type: 'string', multiple: true },
      'missing-image': { type: 'string', multiple: true },
      'latency-ms': { type: 'string', default: '0' },
      'no-prometheus-operator': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  const latencyMs = Number(values['latency-ms']);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`--latency-ms must be a number of milliseconds, 0 or more, got "${values['latency-ms']}"`);
  const sim = await startKubeSimulator({
    port,
    latencyMs,
    ...(values['no-prometheus-operator'] ? { prometheusOperator: false } : {}),
    controllers: { crashingImages: values['crashing-image'] ?? [], missingImages: values['missing-image'] ?? [] },
    ...(values.verbose ? { log: (line: string) => console.log(line) } : {}),
  });
  const dir = values['kubeconfig-dir'] ?? mkdtempSync(join(tmpdir(), 'kube-sim-'));
  const contexts = values.context && values.context.length > 0 ? values.context : [EXAMPLE_DEV_CONTEXT];
  const kubeconfigPath = await sim.writeKubeconfig(dir, contexts);
  console.log(`kube-sim listening on ${sim.url}`);
  console.log(`kubeconfig: ${kubeconfigPath}`);
  console.log(`contexts: ${contexts.join(', ')} (current: ${contexts[0] ?? ''})`);
  const failing = [...(values['crashing-image'] ?? []).map((i) => `${i} (crashes)`), ...(values['missing-image'] ?? []).map((i) => `${i} (missing)`)];
  if (latencyMs > 0) console.log(`latency: ${latencyMs} ms per request`);
  if (values['no-prometheus-operator']) console.log('prometheus-operator: not installed (no PrometheusRule, AlertmanagerConfig nor ServiceMonitor)');
  console.log(`failing images: ${failing.length > 0 ? failing.join(', ') : 'none'}`);
  console.log(`try: KUBECONFIG=${kubeconfigPath} kubectl get namespaces`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`kube-sim: ${error instanceof Error ? error.message : String(error)}`);
  console.error(USAGE);
  process.exit(1);
});
