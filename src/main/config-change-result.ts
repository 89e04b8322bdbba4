// A config change's result (scale, config set/unset) as the job handler map expects it: a
// ReleaseResult already, so nothing to adapt. Kept until the worker stops calling it.
import type { ConfigChangeResult } from '../core/release/config-release.js';
import type { ReleaseResult } from '../core/release/release-deps.js';

export function asReleaseResult(result: ConfigChangeResult): ReleaseResult {
  return result;
}
