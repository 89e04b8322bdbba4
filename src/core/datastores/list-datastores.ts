// `datastore list <env>`: each datastore of the environment with its kind, app, source and what
// a reset may do, its size now (asked of its driver; unknown when the store cannot be reached,
// and why), its last reset and the latest snapshots of it and of its source. Only reads.
import { shortTime } from '../commands/replies/message.js';
import type { DatastoreSettings } from '../config/datastore-settings.js';
import type { ResetRecord, SnapshotInfo } from '../ports/datastores.js';
import { driverAndTarget, errorText, formatBytes, selectDatastores, storeOf, type DatastoreDeps } from './datastore-deps.js';

export interface DatastoreListing {
  settings: DatastoreSettings;
  /** Bytes now; undefined when unknown (`sizeError` says why when it failed). */
  bytes?: number;
  sizeError?: string;
  /** Newest first, at most 3 each. */
  snapshots: SnapshotInfo[];
  sourceSnapshots: SnapshotInfo[];
  lastReset?: ResetRecord;
}

const SHOWN = 3;

async function sizeOf(deps: DatastoreDeps, loaded: Parameters<typeof driverAndTarget>[1], d: DatastoreSettings): Promise<Pick<DatastoreListing, 'bytes' | 'sizeError'>> {
  // A Job's store has no size Nestor can read: no need to find its app's release.
  if (d.kind === 'kubernetes-job') return {};
  try {
    const { driver, target } = driverAndTarget(deps, loaded, d);
    const bytes = await driver.size(await target);
    return bytes === undefined ? {} : { bytes };
  } catch (error) {
    return { sizeError: errorText(error) };
  }
}

export async function listDatastores(deps: DatastoreDeps, env: string): Promise<DatastoreListing[]> {
  const loaded = await deps.config.load();
  const { tree } = loaded;
  return Promise.all(selectDatastores(tree, env).map(async (d) => {
    const [size, snapshots, sourceSnapshots, lastReset] = await Promise.all([
      sizeOf(deps, loaded, d),
      storeOf(deps, tree, env).store.list(env, d.name),
      d.source === env ? Promise.resolve([]) : storeOf(deps, tree, d.source).store.list(d.source, d.name),
      storeOf(deps, tree, env).store.lastReset(env, d.name),
    ]);
    return {
      settings: d, ...size, snapshots: snapshots.slice(0, SHOWN), sourceSnapshots: sourceSnapshots.slice(0, SHOWN), ...(lastReset ? { lastReset } : {}),
    };
  }));
}

function resetText(d: DatastoreSettings): string {
  if (!d.resetAllowed) return 'reset forbidden';
  return `resets from ${d.source}${d.resetNightly ? ' nightly' : ''}${d.allowInProduction ? ' (allowed in production, with approval)' : ''}${d.scaleDown ? `, ${d.app} scaled down around it` : ''}`;
}

const snapshotLine = (s: SnapshotInfo): string => `    ${s.id}  ${formatBytes(s.bytes)}  ${shortTime(s.createdAt)}${s.jobId ? `  job ${s.jobId}` : ''}`;

/** The listing as text lines, a block per datastore. */
export function listingLines(env: string, listing: readonly DatastoreListing[]): string[] {
  return listing.flatMap(({ settings: d, bytes, sizeError, snapshots, sourceSnapshots, lastReset }) => [
    `${d.name} (${d.kind}${d.app ? `, app ${d.app}` : ''}) in ${env}: ${sizeError ? `size unknown: ${sizeError}` : formatBytes(bytes)}; ${resetText(d)}`,
    `  last reset: ${lastReset ? `${shortTime(lastReset.at)} from ${lastReset.snapshot}${lastReset.jobId ? `, job ${lastReset.jobId}` : ''}` : 'never'}`,
    `  snapshots of ${env}:${snapshots.length ? '' : ' none'}`,
    ...snapshots.map(snapshotLine),
    ...(d.source === env ? [] : [`  snapshots of ${d.source}:${sourceSnapshots.length ? '' : ' none'}`, ...sourceSnapshots.map(snapshotLine)]),
  ]);
}
