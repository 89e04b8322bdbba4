// The datastore ports of a process that runs datastore jobs (the worker, the CLI, the shell): a
// driver per kind and the snapshot stores, folders under the snapshots folder (snapshotsFolder:
// $NESTOR_SNAPSHOTS, else the state folder) unless the config names an absolute one.
import { isAbsolute, join } from 'node:path';
import { FolderSnapshotStore } from '../fs/folder-snapshot-store.js';
import type { DatastorePorts } from '../../core/datastores/datastore-deps.js';
import type { Clock } from '../../core/ports/clock.js';
import type { ClusterProvider } from '../../core/ports/cluster.js';
import { FIELD_MANAGER } from '../../core/release/cluster-steps.js';
import { kubernetesJobDriver } from './kubernetes-job-driver.js';
import { postgresDriver } from './postgres-driver.js';
import { redisDriver } from './redis-driver.js';

export interface DatastorePortsOptions {
  /** The folder a relative `datastore_snapshots.folder` is in (snapshotsFolder). */
  root: string;
  clock: Clock;
  /** Where a kubernetes-job datastore's Jobs run. */
  clusters: ClusterProvider;
}

export function datastorePorts({ root: snapshots, clock, clusters }: DatastorePortsOptions): DatastorePorts {
  const stores = new Map<string, FolderSnapshotStore>();
  return {
    drivers: { postgresql: postgresDriver(), redis: redisDriver(), 'kubernetes-job': kubernetesJobDriver({ clusters, clock, fieldManager: FIELD_MANAGER }) },
    snapshots: (folder) => {
      const root = isAbsolute(folder) ? folder : join(snapshots, folder);
      let store = stores.get(root);
      if (!store) stores.set(root, (store = new FolderSnapshotStore(root, clock)));
      return store;
    },
  };
}
