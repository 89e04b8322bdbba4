// The Slack notifier: job progress edited in place (createSlackProgressSink) and release
// announcements (announceRelease). The WebClient is built in main/ and injected.
export { createSlackProgressSink, type SlackProgressSink, type SlackProgressSinkDeps } from './slack-progress-sink.js';
export { announceRelease, announcementChannel, postAnnouncement, buildAnnouncement, buildBranchNotice, CHANGELOG_LIMIT, type AnnounceDeps, type AnnounceInput, type Announced, type Announcement } from './announce-release.js';
export type { ProgressMessage, ProgressMessages } from './progress-messages.js';
export { logDeliveries, type DeliveryObserver, type DeliveryReport, type NotifierLogger } from './delivery-report.js';
export { classifySlackError, NOTIFIER_CLIENT_OPTIONS, type SlackFailure } from './slack-failure.js';
export { DEFAULT_NOTIFIER_TUNING, type NotifierTuning } from './tuning.js';
