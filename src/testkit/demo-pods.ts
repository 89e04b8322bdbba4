// What the demo world's pods do for the kubectl helpers, since no process runs in them: each
// prints a line when it starts (`logs`), every container port answers HTTP with the pod's name
// (`port-forward`), and `exec` says what it would have run.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeSimulator } from './kube-sim/index.js';

function containerPorts(spec: unknown): number[] {
  const containers = (spec as { containers?: { ports?: { containerPort?: number }[] }[] } | undefined)?.containers ?? [];
  return containers.flatMap((c) => (c.ports ?? []).flatMap((p) => (typeof p.containerPort === 'number' ? [p.containerPort] : [])));
}

export async function startDemoPods(sim: KubeSimulator): Promise<{ close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`a demo pod answers ${req.method ?? 'GET'} ${req.url ?? '/'}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  sim.pods.onExec(({ pod, command, stdout }) => {
    stdout.write(`(demo pod ${pod}: no process runs here; it would run: ${command.join(' ')})\n`);
    return 0;
  });
  const unsubscribe = sim.store.subscribe((event) => {
    if (event.type !== 'ADDED' || event.resource.kind !== 'Pod') return;
    const { name, namespace, labels } = event.object.metadata as { name: string; namespace: string; labels?: Record<string, string> };
    sim.pods.appendLog(namespace, name, `${labels?.process ?? 'a process'} of ${labels?.app ?? 'an app'} started (a demo pod: it prints only this)\n`);
    for (const containerPort of containerPorts(event.object.spec)) sim.pods.forwardPort(namespace, name, containerPort, port);
  });
  return {
    close: () => new Promise((resolve) => {
      unsubscribe();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
