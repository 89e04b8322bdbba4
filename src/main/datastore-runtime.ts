// The datastore ports of a process that runs datastore jobs (the worker, the shell): the drivers
// per kind and the snapshot stores, folders under the state folder unless the config names an
// absolute one.
import { isAbsolute, join } from 'node:path';
import { postgresDriver } from '../adapters/datastores/postgres-driver.js';
import { redisDriver } from '../adapters/datastores/redis-driver.js';
import { FolderSnapshotStore } from '../adapters/fs/folder-snapshot-store.js';
import type { DatastorePorts } from '../core/datastores/datastore-deps.js';
import { ErrorCode, NestorError } from '../core/errors.js';
import type { Clock } from '../core/ports/clock.js';
import type { DatastoreDriver } from '../core/ports/datastores.js';

const notRunHere = async (): Promise<never> => {
  throw new NestorError(ErrorCode.BadInput, 'kubernetes-job datastores are not run by this process yet');
};
const kubernetesJobDriver: DatastoreDriver = { kind: 'kubernetes-job', extension: 'jobref.json', size: notRunHere, snapshot: notRunHere, restore: notRunHere };

export function datastorePorts(stateDir: string, clock: Pick<Clock, 'now'>): DatastorePorts {
  const stores = new Map<string, FolderSnapshotStore>();
  return {
    drivers: { postgresql: postgresDriver(), redis: redisDriver(), 'kubernetes-job': kubernetesJobDriver },
    snapshots: (folder) => {
      const root = isAbsolute(folder) ? folder : join(stateDir, folder);
      let store = stores.get(root);
      if (!store) stores.set(root, (store = new FolderSnapshotStore(root, clock)));
      return store;
    },
  };
}
