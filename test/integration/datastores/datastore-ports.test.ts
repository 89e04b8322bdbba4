// The snapshot store a process's datastore ports hand out follows each environment's
// `datastore_snapshots`: staging's bucket and dev3's folder side by side (a reset of dev3 reads
// staging's store and records itself in dev3's), one store per location.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datastorePorts } from '../../../src/adapters/datastores/datastore-ports.js';
import { FolderSnapshotStore } from '../../../src/adapters/fs/folder-snapshot-store.js';
import { S3SnapshotStore } from '../../../src/adapters/s3/s3-snapshot-store.js';
import { systemClock } from '../../../src/adapters/system/system-clock.js';
import { loadConfigTree } from '../../../src/core/config/index.js';
import { snapshotSettings } from '../../../src/core/config/snapshot-settings.js';
import { storeOf, type DatastoreDeps } from '../../../src/core/datastores/datastore-deps.js';
import { BASE_PROJECT, files } from '../../support/config-fixtures.js';

describe('datastorePorts', () => {
  it('hands out the store of each environment\'s location: a bucket, a folder under the snapshots folder, or an absolute one', () => {
    const tree = loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, 'datastore_snapshots: { url: s3://acme-snapshots/nestor, region: eu-west-1, keep: 3 }'],
      'staging/project.yaml': ['env: staging', 'parent: production'],
      'dev3/project.yaml': ['env: dev3', 'parent: staging', 'datastore_snapshots: { folder: dev-snapshots }'],
      'dev4/project.yaml': ['env: dev4', 'parent: staging', 'datastore_snapshots: { folder: /mnt/shared }'],
    }));
    const ports = datastorePorts({ root: '/var/nestor', clock: systemClock, clusters: {} as never });
    const deps = { datastores: ports } as DatastoreDeps;
    const staging = storeOf(deps, tree, 'staging');
    expect(staging.store).toBeInstanceOf(S3SnapshotStore);
    expect(staging.keep).toBe(3);
    expect(storeOf(deps, tree, 'production').store).toBe(staging.store);
    const dev3 = storeOf(deps, tree, 'dev3').store;
    expect(dev3).toBeInstanceOf(FolderSnapshotStore);
    expect(ports.snapshots({ folder: join('/var/nestor', 'dev-snapshots') })).toBe(dev3);
    expect(ports.snapshots(snapshotSettings(tree, 'dev4').location)).toBe(ports.snapshots({ folder: '/mnt/shared' }));
  });
});
