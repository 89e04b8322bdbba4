// Posts a tracked release's messages (core/fleet/tracked-release-messages.ts) to the
// environment's channel: the summary, then the per-app details as replies in its thread. Each
// post is retried as an announcement is (Retry-After, backoff, bounded); Slack refusing one
// throws, the run itself is done and recorded whatever Slack does.
import type { webApi } from '@slack/bolt';
import type { Clock } from '../../../core/ports/clock.js';
import type { TrackedReleaseMessages } from '../../../core/fleet/tracked-release-messages.js';
import { systemClock } from '../../system/system-clock.js';
import { toBlockKit } from '../block-kit.js';
import { callWithRetry } from './call-with-retry.js';
import type { DeliveryObserver } from './delivery-report.js';
import { DEFAULT_NOTIFIER_TUNING, type NotifierTuning } from './tuning.js';

export interface PostTrackedReleaseDeps {
  slack: webApi.WebClient;
  clock?: Clock;
  tuning?: Partial<NotifierTuning>;
  random?: () => number;
  observe?: DeliveryObserver;
}

/** The summary's ts (the thread) once everything is posted. */
export async function postTrackedRelease(deps: PostTrackedReleaseDeps, channel: string, messages: TrackedReleaseMessages, runId: string): Promise<string | undefined> {
  const retry = {
    clock: deps.clock ?? systemClock,
    tuning: { ...DEFAULT_NOTIFIER_TUNING, ...deps.tuning },
    random: deps.random ?? Math.random,
    observe: deps.observe ?? (() => undefined),
    jobId: runId,
  };
  const summary = toBlockKit(messages.summary);
  const posted = await callWithRetry(
    () => deps.slack.chat.postMessage({ channel, ...summary, unfurl_links: false, unfurl_media: false }),
    { ...retry, lane: 'announcement' },
  );
  const ts = posted.ts;
  if (ts === undefined) return undefined;
  for (const reply of messages.thread) {
    const { text, blocks } = toBlockKit(reply);
    await callWithRetry(() => deps.slack.chat.postMessage({ channel, thread_ts: ts, text, blocks, unfurl_links: false, unfurl_media: false }), { ...retry, lane: 'thread' });
  }
  return ts;
}
