// Whether an app's live objects drifted from its recorded release, for the sync report: the same
// comparison as `nestor diff` (compare.ts, "live against the release"), but with the cluster read
// once per environment rather than once per app: one list of Nestor's objects per cluster and
// namespace, shared by every app there, and a GET only for a recorded object the list lacks (its
// labels edited by hand, or really gone). Reads go at most READS_AT_ONCE at a time per cluster. A
// cluster that cannot be read makes the drift of its apps "unknown", never a failed report.
import { isNestorError } from '../errors.js';
import { refOf, type ClusterProvider, type KindRef, type KubeObject } from '../ports/cluster.js';
import type { Release } from '../ports/release-history.js';
import { ENVIRONMENT, GLOBAL_APP, MANAGED_BY } from '../render/labels.js';
import { PRUNABLE_KINDS } from '../release/cluster-steps.js';
import { compareRelease } from '../release/compare.js';
import { objectKey } from '../release/diff.js';
import type { ChangeKind } from '../release/events.js';
import { manifestsOf } from '../release/restore-release.js';
import { Slots } from './slots.js';

/** Reads at once per cluster (lists and GETs). */
export const READS_AT_ONCE = 8;
/** Secrets are read too (a release records its `<app>-secrets`), but never pruned, so never "live only". */
const LISTED_KINDS: readonly KindRef[] = [...PRUNABLE_KINDS, { apiVersion: 'v1', kind: 'Secret' }];

export const DriftState = { Clean: 'clean', Drifted: 'drifted', Unknown: 'unknown' } as const;
export type DriftState = (typeof DriftState)[keyof typeof DriftState];

export interface ClusterDrift {
  cluster: string;
  state: DriftState;
  /** `edited Deployment dev3/mary-web (spec)`, `deleted Service dev3/mary`, `added ConfigMap dev3/x (not in the release)`. */
  changes: string[];
  /** Why the cluster could not be read. */
  why?: string;
}

export interface AppDrift {
  state: DriftState;
  clusters: ClusterDrift[];
}

/** Drift changes say what applying the release again would do; people read what was done live. */
const DONE_LIVE: Readonly<Record<Exclude<ChangeKind, 'unchanged'>, string>> = { update: 'edited', create: 'deleted', delete: 'added' };

export function errorText(error: unknown): string {
  if (isNestorError(error)) return error.userMessage;
  return error instanceof Error ? error.message : String(error);
}

/** The live objects of one environment's clusters, each read once and shared by the apps. */
export class LiveObjects {
  private readonly lists = new Map<string, Promise<Map<string, KubeObject>>>();
  /** `slots`: shared by the environments on the same clusters, so the bound holds per cluster. */
  constructor(
    private readonly clusters: ClusterProvider,
    private readonly env: string,
    private readonly slots = new Slots(READS_AT_ONCE),
  ) {}

  /** Nestor's objects of the environment in `namespace` of `context`, by objectKey; rejected (once, shared) when the cluster cannot be read. */
  listed(context: string, namespace: string): Promise<Map<string, KubeObject>> {
    const key = `${context}\n${namespace}`;
    let listing = this.lists.get(key);
    if (!listing) {
      const labelSelector = `${MANAGED_BY}=nestor,${ENVIRONMENT}=${this.env}`;
      listing = this.slots.run([context], () => this.clusters.cluster(context).list({ namespace, kinds: LISTED_KINDS, labelSelector }))
        .then((objects) => new Map(objects.map((o) => [objectKey(o), o])));
      // Read by whoever asks; a rejection left unobserved here must not end the process.
      listing.catch(() => undefined);
      this.lists.set(key, listing);
    }
    return listing;
  }

  get(context: string, object: KubeObject): Promise<KubeObject | undefined> {
    return this.slots.run([context], () => this.clusters.cluster(context).get(refOf(object)));
  }
}

/** How the live objects of `release` drifted, per cluster it recorded; `contexts` maps cluster names to kubeconfig contexts. */
export async function appDrift(live: LiveObjects, release: Release, contexts: ReadonlyMap<string, string>): Promise<AppDrift> {
  const sides = manifestsOf(release, contexts, release.env);
  const clusters = await Promise.all(sides.map(async (side): Promise<ClusterDrift> => {
    try {
      const recorded = side.objects.filter((o) => ownDrift(o, release));
      const listed = await live.listed(side.context, side.namespace);
      const found = await Promise.all(recorded.map(async (o) => listed.get(objectKey(o)) ?? live.get(side.context, o)));
      const current = new Map<string, KubeObject>();
      recorded.forEach((o, i) => {
        const object = found[i];
        if (object) current.set(objectKey(o), object);
      });
      const owned = [...listed.values()].filter((o) => o.kind !== 'Secret' && o.metadata.labels?.['app'] === release.app);
      const [comparison] = compareRelease([{ cluster: side.cluster, recorded, fresh: [], live: current, owned }]);
      const changes = (comparison?.drift.changes ?? []).flatMap((c) => (c.change === 'unchanged' ? [] : [
        `${DONE_LIVE[c.change]} ${c.object}${c.fields.length ? ` (${c.fields.join(', ')})` : ''}${c.change === 'delete' ? ' (not in the release)' : ''}`,
      ]));
      return { cluster: side.cluster, state: changes.length ? DriftState.Drifted : DriftState.Clean, changes };
    } catch (error) {
      return { cluster: side.cluster, state: DriftState.Unknown, changes: [], why: errorText(error) };
    }
  }));
  return { state: worst(clusters.map((c) => c.state)), clusters };
}

/**
 * Objects whose drift is the app's own. The environment's objects (its Namespace, its global
 * ingress) are applied by every app's release, each with its own release label: the last one
 * applied wins, so they would show as edited for every other app. Encrypted Secret values (no
 * history key) cannot be compared: left out rather than shown as changed.
 */
function ownDrift(o: KubeObject, release: Release): boolean {
  if (o.kind === 'Namespace' || o.metadata.labels?.['app'] === GLOBAL_APP) return false;
  return !(release.secretsEncrypted && o.kind === 'Secret');
}

/** Drifted anywhere is drifted; else unknown anywhere is unknown. */
function worst(states: readonly DriftState[]): DriftState {
  if (states.includes(DriftState.Drifted)) return DriftState.Drifted;
  return states.includes(DriftState.Unknown) ? DriftState.Unknown : DriftState.Clean;
}
