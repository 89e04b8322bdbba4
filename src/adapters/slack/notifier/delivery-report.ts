// What the notifier tells about its own deliveries: for logs (logDeliveries), metrics and tests.
// Codes and ids only: never message text, never a token.
import type { Clock } from '../../../core/ports/clock.js';
import type { NotifierTuning } from './tuning.js';

export type LaneName = 'status' | 'thread' | 'announcement';

export type DeliveryReport = { jobId: string; lane: LaneName } & (
  | { result: 'sent' }
  /** Waiting `retryInMs` before the next attempt (a Retry-After, or backoff). */
  | { result: 'retry'; reason: 'rate-limited' | 'failed'; code: string; retryInMs: number }
  /** Slack refused this message for good (e.g. channel_not_found): it is dropped. */
  | { result: 'dropped'; code: string }
  /** Still failing after the bounded retry time: what was pending is dropped. */
  | { result: 'gave-up'; code: string });

export type DeliveryObserver = (report: DeliveryReport) => void;

/** What every delivery to Slack (a lane of edits, a one-off announcement) runs with. */
export interface DeliveryDeps {
  clock: Clock;
  tuning: NotifierTuning;
  random: () => number;
  observe: DeliveryObserver;
  jobId: string;
  lane: LaneName;
}

/** The subset of a pino Logger the notifier uses. */
export interface NotifierLogger {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Structured logs of deliveries: constant messages, data in fields. */
export function logDeliveries(logger: NotifierLogger): DeliveryObserver {
  return (report) => {
    const { result, ...fields } = report;
    if (result === 'sent') logger.debug(fields, 'slack notification sent');
    else if (result === 'retry') logger.warn(fields, 'slack notification will be retried');
    else if (result === 'dropped') logger.error(fields, 'slack notification refused by slack, dropped');
    else logger.error(fields, 'slack notification still failing, given up');
  };
}
