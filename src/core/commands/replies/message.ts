// The platform-neutral message every reply is built as. Plain text only (no Slack mrkdwn, no
// ANSI): each renderer escapes and styles it. Never holds a secret value.

export const Tone = {
  Info: 'info',
  Queued: 'queued',
  Running: 'running',
  Pending: 'pending',
  Success: 'success',
  Warning: 'warning',
  Failure: 'failure',
} as const;
export type Tone = (typeof Tone)[keyof typeof Tone];

export const StepState = { Waiting: 'waiting', Running: 'running', Done: 'done', Failed: 'failed', Skipped: 'skipped' } as const;
export type StepState = (typeof StepState)[keyof typeof StepState];

/** How each renderer marks a step. */
export const STEP_MARK: Readonly<Record<StepState, string>> = { waiting: '·', running: '…', done: '✓', failed: '✗', skipped: '–' };

export interface Field {
  label: string;
  value: string;
}

export interface Step {
  name: string;
  state: StepState;
  detail?: string;
}

export interface Section {
  title?: string;
  lines: string[];
  /** Shown as a code block: usage lines, diffs, tables. */
  monospace?: boolean;
}

export interface Button {
  /** What the click handler dispatches on. */
  actionId: string;
  label: string;
  /** Carried back with the click: an id, never a secret. */
  value: string;
  style?: 'primary' | 'danger';
}

export interface Message {
  /** Ephemeral: only the person who asked sees it. */
  visibility: 'channel' | 'ephemeral';
  tone: Tone;
  title: string;
  /** One line: the notification text and what a plain-text client shows. */
  summary: string;
  fields: Field[];
  steps: Step[];
  sections: Section[];
  buttons: Button[];
  /** Small print at the bottom: job id, who, when. */
  context: string[];
}

export function message(parts: Pick<Message, 'tone' | 'title' | 'summary'> & Partial<Message>): Message {
  return { visibility: 'channel', fields: [], steps: [], sections: [], buttons: [], context: [], ...parts };
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export const shortSha = (sha: string): string => sha.slice(0, 7);

/** `2026-11-30 10:00` (UTC) from an ISO-8601 time; the text as is when it is not one. */
export function shortTime(at: string): string {
  const match = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(at);
  return match ? `${match[1]} ${match[2]}` : at;
}
