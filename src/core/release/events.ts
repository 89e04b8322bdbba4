// Progress of a release as typed events: the CLI prints them a line each, the Slack notifier
// edits one message with them.
import type { ApplyResult } from '../ports/cluster.js';

export const Stage = {
  Lock: 'lock',
  Resolve: 'resolve',
  Image: 'image',
  Render: 'render',
  Diff: 'diff',
  Apply: 'apply',
  Prune: 'prune',
  /** The release phase (Procfile `release:`): a one-off Job before anything of the release is applied. */
  ReleasePhase: 'release-phase',
  Rollout: 'rollout',
  Rollback: 'rollback',
  History: 'history',
  /** The branch workflow of a CI success: the commit's tag, then the branches moved to it. */
  Tag: 'tag',
  Branches: 'branches',
  /** A datastore job: its snapshot (taken, or picked for a reset), the app's pods scaled down and back, the restore. */
  Snapshot: 'snapshot',
  ScaleDown: 'scale-down',
  Restore: 'restore',
  ScaleUp: 'scale-up',
  /** An admin process (`run`): its one-off Job, to its end. */
  Run: 'run',
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

export type StageStatus = 'started' | 'finished' | 'failed' | 'skipped';

export type ChangeKind = 'create' | 'update' | 'unchanged' | 'delete';

export interface ObjectChange {
  /** `Deployment dev3/mary-web` */
  object: string;
  change: ChangeKind;
  /** Top-level paths that differ, e.g. `spec.template.spec.containers`. */
  fields: string[];
}

export type ReleaseEvent =
  | { type: 'stage'; stage: Stage; status: StageStatus; message?: string }
  | { type: 'waiting'; message: string }
  | { type: 'diff'; cluster: string; changes: ObjectChange[]; text: string }
  | { type: 'applied'; cluster: string; object: string; result: ApplyResult }
  | { type: 'pruned'; cluster: string; object: string }
  | { type: 'rollout'; cluster: string; object: string; state: string; message: string }
  | { type: 'warning'; message: string }
  /** New lines an admin process (`run`) printed, as it prints them. */
  | { type: 'log'; lines: string[] };

export type ReleaseListener = (event: ReleaseEvent) => void;

/** One line of text per event, for terminals and logs. */
export function describeEvent(event: ReleaseEvent): string {
  switch (event.type) {
    case 'stage':
      return `[${event.stage}] ${event.status}${event.message ? `: ${event.message}` : ''}`;
    case 'waiting':
      return `[lock] ${event.message}`;
    case 'diff': {
      const counts = countChanges(event.changes);
      return `[diff] ${event.cluster}: ${counts}`;
    }
    case 'applied':
      return `[apply] ${event.cluster}: ${event.object} ${event.result}`;
    case 'pruned':
      return `[prune] ${event.cluster}: ${event.object} deleted`;
    case 'rollout':
      return `[rollout] ${event.cluster}: ${event.object} ${event.state}${event.message ? ` (${event.message})` : ''}`;
    case 'warning':
      return `[warning] ${event.message}`;
    case 'log':
      return event.lines.join('\n');
  }
}

export function countChanges(changes: readonly ObjectChange[]): string {
  const n = (kind: ChangeKind) => changes.filter((c) => c.change === kind).length;
  return `${n('create')} to create, ${n('update')} to update, ${n('delete')} to delete, ${n('unchanged')} unchanged`;
}
