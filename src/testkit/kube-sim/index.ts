/**
 * Public surface of the in-memory Kubernetes API server simulator.
 *
 *   const sim = await startKubeSimulator({ controllers: { readyDelayMs: 0 } });
 *   const kubeconfigPath = await sim.writeKubeconfig(dir, ['kapten_staging_eu-w1']);
 *   sim.faults.failNext(2, { status: 503, match: { method: 'PATCH' } });
 *   await sim.controllers.settle();
 *   await sim.close();
 */
export { startKubeSimulator, DEFAULT_CONTEXT, type KubeSimulator, type KubeSimulatorOptions } from './server.js';
export { kubeconfigYaml, writeKubeconfigFile, type KubeconfigContext } from './kubeconfig.js';
export { FaultInjector, type FailOptions, type RequestMatch, type RecordedRequest } from './faults.js';
export type { ControllersHandle } from './controllers/controllers.js';
export type { PodStreamsHandle, ExecCall, ExecHandler } from './pod-streams.js';
export { DEFAULT_CONTROLLER_OPTIONS, type ControllerOptions } from './controllers/context.js';
export { ObjectStore, type StoreEvent } from './store.js';
export { RESOURCE_TYPES, typeOf, type ResourceType } from './resource-types.js';
export type { KubeObject, JsonObject, JsonValue } from './object-util.js';
export { settlingClock } from './settling-clock.js';
