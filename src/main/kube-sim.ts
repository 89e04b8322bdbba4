/** Composition root: `npm run kube-sim -- --port N [--kubeconfig-dir DIR] [--context NAME ...]`. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startKubeSimulator } from '../adapters/kube/simulator/index.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'kubeconfig-dir': { type: 'string' },
      context: { type: 'string', multiple: true },
      verbose: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  const sim = await startKubeSimulator({ port, ...(values.verbose ? { log: (line: string) => console.log(line) } : {}) });
  const dir = values['kubeconfig-dir'] ?? mkdtempSync(join(tmpdir(), 'kube-sim-'));
  const contexts = values.context && values.context.length > 0 ? values.context : undefined;
  const kubeconfigPath = await sim.writeKubeconfig(dir, contexts);
  console.log(`kube-sim listening on ${sim.url}`);
  console.log(`kubeconfig: ${kubeconfigPath}`);
  console.log(`try: KUBECONFIG=${kubeconfigPath} kubectl get namespaces`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`kube-sim: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
