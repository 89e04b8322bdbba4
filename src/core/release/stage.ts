import { isNestorError } from '../errors.js';
import type { ReleaseListener, Stage } from './events.js';

/**
 * Runs one stage of a pipeline, telling the listener when it starts, ends or fails. `failedBy`
 * names a failure the stage returns rather than throws (a rollout that did not become available).
 */
export async function stage<T>(
  onEvent: ReleaseListener, name: Stage, run: () => Promise<T>, done?: (value: T) => string | undefined, failedBy?: (value: T) => string | undefined,
): Promise<T> {
  onEvent({ type: 'stage', stage: name, status: 'started' });
  try {
    const value = await run();
    const failure = failedBy?.(value);
    if (failure !== undefined) {
      onEvent({ type: 'stage', stage: name, status: 'failed', message: failure });
      return value;
    }
    const message = done?.(value);
    onEvent({ type: 'stage', stage: name, status: 'finished', ...(message ? { message } : {}) });
    return value;
  } catch (error) {
    const message = isNestorError(error) ? error.userMessage : 'internal error';
    onEvent({ type: 'stage', stage: name, status: 'failed', message });
    throw error;
  }
}
