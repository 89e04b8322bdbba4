// The datastore ports of a process that runs datastore jobs (the worker, the CLI, the shell): a
// driver per kind and the snapshot stores, one per location the config names: a folder under the
// snapshots folder (snapshotsFolder: $NESTOR_SNAPSHOTS, else the state folder) unless absolute, or
// an S3 bucket (whose SDK is loaded only once that store is first used).
import { isAbsolute, join } from 'node:path';
import { FolderSnapshotStore } from '../fs/folder-snapshot-store.js';
import { S3SnapshotStore } from '../s3/s3-snapshot-store.js';
import type { DatastorePorts } from '../../core/datastores/datastore-deps.js';
import { isObjectStore, type SnapshotLocation } from '../../core/config/snapshot-settings.js';
import type { Clock } from '../../core/ports/clock.js';
import type { ClusterProvider } from '../../core/ports/cluster.js';
import type { SnapshotStore } from '../../core/ports/datastores.js';
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
  const stores = new Map<string, SnapshotStore>();
  const storeAt = (location: SnapshotLocation): [string, () => SnapshotStore] => {
    if (isObjectStore(location)) return [JSON.stringify(location), () => new S3SnapshotStore({ location, clock })];
    const root = isAbsolute(location.folder) ? location.folder : join(snapshots, location.folder);
    return [root, () => new FolderSnapshotStore(root, clock)];
  };
  return {
    drivers: { postgresql: postgresDriver(), redis: redisDriver(), 'kubernetes-job': kubernetesJobDriver({ clusters, clock, fieldManager: FIELD_MANAGER }) },
    snapshots: (location) => {
      const [key, make] = storeAt(location);
      let store = stores.get(key);
      if (!store) stores.set(key, (store = make()));
      return store;
    },
  };
}
