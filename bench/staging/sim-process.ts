// The staging bench's cluster: the kube simulator in a process of its own (forked with an IPC
// channel), answering after `--latency-ms` as a real API server would, so the bench measures how
// Nestor overlaps waiting on a cluster rather than sharing one event loop with it. Pods are
// ready at once: the cluster's answer time is what dominates. `--controllers manual`: the
// simulated controllers never act (a fleet seeded as settled, only read: no pods are made for its
// thousands of Deployments). Messages: it sends `{ url }` once
// listening; `{ seed: objects }` creates them directly in the store and is answered `{ seeded: n }`;
// `{ cpu: true }` is answered `{ cpuMs, requests }`, the CPU time the simulator's process has used
// so far and the requests it has received.
import { parseArgs } from 'node:util';
import { startKubeSimulator, typeOf, type KubeObject } from '../../src/testkit/kube-sim/index.js';

export interface SimProcessReady { url: string }
export interface SimProcessSeed { seed: KubeObject[] }
export interface SimProcessSeeded { seeded: number }
export interface SimProcessCpuAsk { cpu: true }
export interface SimProcessCpu { cpuMs: number; requests: number }

const { values } = parseArgs({ options: { 'latency-ms': { type: 'string', default: '0' }, controllers: { type: 'string', default: 'real' } } });
const clock = values.controllers === 'manual' ? 'manual' : 'real';
const sim = await startKubeSimulator({ port: 0, latencyMs: Number(values['latency-ms']), controllers: { readyDelayMs: 0 }, clock });

process.on('message', (message: SimProcessSeed | SimProcessCpuAsk) => {
  if ('cpu' in message) {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMs: (user + system) / 1000, requests: sim.faults.requests.length } satisfies SimProcessCpu);
    return;
  }
  for (const object of message.seed) sim.store.create(typeOf(object.kind as string), object);
  process.send?.({ seeded: message.seed.length } satisfies SimProcessSeeded);
});
process.once('disconnect', () => void sim.close().then(() => process.exit(0)));
process.send?.({ url: sim.url } satisfies SimProcessReady);
