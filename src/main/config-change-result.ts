// A config change's result (scale, config set/unset) as the ReleaseResult the job handler map
// expects: its release when it made one, else a release-less result carrying its message.
import type { ConfigChangeResult } from '../core/release/config-release.js';
import type { ReleaseResult } from '../core/release/release-deps.js';

export function asReleaseResult(result: ConfigChangeResult): ReleaseResult {
  if (result.release) return { ...result.release, message: result.message };
  const outcome = result.outcome === 'failed' || result.outcome === 'rolled-back' ? result.outcome : 'released';
  return { outcome, app: result.app, env: result.env, message: result.message, historyPending: false, changes: [], failures: [], diff: '' };
}
