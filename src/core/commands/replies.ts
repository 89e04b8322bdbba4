// Platform-neutral replies of Nestor: every answer, progress message and announcement is built
// here as a Message; adapters render it (Slack Block Kit, terminal text).
export * from './replies/message.js';
export * from './replies/ack-replies.js';
export * from './replies/progress.js';
export * from './replies/release-replies.js';
export * from './replies/approval-replies.js';
export * from './replies/info-replies.js';
export * from './replies/schedule-replies.js';
