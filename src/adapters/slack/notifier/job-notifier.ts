// The Slack side of one job: its progress (the core reducer), one status message posted once
// (or the acknowledgement given by the origin, or the message a worker that ran the job before
// saved in the shared store) and then edited in place, and detail lines
// batched into replies in its thread. Each of the two goes through its own DeliveryLane.
import type { webApi } from '@slack/bolt';
import { applyEvent, finishProgress, progressMessage, startJobProgress, type JobProgress } from '../../../core/commands/replies.js';
import type { Job, JobOrigin } from '../../../core/jobs/job-schema.js';
import type { JobUpdate } from '../../../core/jobs/run-job.js';
import type { JobOutcome } from '../../../core/ports/job-queue.js';
import type { ReleaseEvent } from '../../../core/release/events.js';
import { cut, escapeMrkdwn, toBlockKit, type SlackMessage } from '../block-kit.js';
import { DeliveryLane, type LaneDeps } from './delivery-lane.js';
import type { ProgressMessages } from './progress-messages.js';
import { MESSAGE_GONE, platformError } from './slack-failure.js';
import { detailLines, FAILED_OUTCOMES, failureLine, outcomeLines } from './thread-details.js';

export type SlackJobOrigin = Extract<JobOrigin, { kind: 'slack' }>;
export type JobNotifierDeps = Omit<LaneDeps, 'jobId' | 'lane'> & {
  slack: webApi.WebClient;
  /** Status messages shared by every worker: a job taken over edits the message already posted. */
  messages?: ProgressMessages;
  onError?: (error: unknown) => void;
};

interface StatusSnapshot {
  version: number;
  message: SlackMessage;
}

/** Lines per thread reply, and characters (Slack shows a long text as "show more"). */
const MAX_BATCH_LINES = 30;
const MAX_REPLY_CHARS = 3_500;
const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

export class JobNotifier {
  private progress: JobProgress;
  private version = 0;
  private sentVersion = 0;
  private rendered: StatusSnapshot | undefined;
  private ts: string | undefined;
  /** Whether the shared store was asked for a status message posted by another worker. */
  private lookedUp = false;
  private lines: string[] = [];
  private final = false;
  private ended = false;
  /** When new log lines were last shown, and the wait before the next show of them. */
  private logShownAt = Number.NEGATIVE_INFINITY;
  private logWait: AbortController | undefined;
  private readonly status: DeliveryLane<StatusSnapshot>;
  private readonly thread: DeliveryLane<string[]>;

  constructor(private readonly origin: SlackJobOrigin, private readonly jobId: string, private readonly job: Job, private readonly deps: JobNotifierDeps, resumeTs?: string) {
    this.ts = origin.ts ?? resumeTs;
    this.progress = startJobProgress(jobId, job);
    this.status = new DeliveryLane(this.statusSource(), { ...deps, jobId, lane: 'status' });
    this.thread = new DeliveryLane(this.threadSource(), { ...deps, jobId, lane: 'thread' });
  }

  /** Takes the update into the state to show and returns at once; the lanes deliver it. */
  update(u: JobUpdate): void {
    this.ended = u.type === 'completed' || u.type === 'failed';
    if (u.type === 'started') this.started(u.attempt);
    else if (u.type === 'event') this.event(u.event);
    else if (u.type === 'completed') this.completed(u.result);
    else this.failed(u.message, u.attempt, u.final);
  }

  /** The status message's ts, once known: a later attempt of the job edits the same message. */
  get messageTs(): string | undefined {
    return this.ts;
  }

  get isFinal(): boolean {
    return this.final;
  }

  /** The last update ended the attempt (completed or failed). */
  get hasEnded(): boolean {
    return this.ended;
  }

  get busy(): boolean {
    return this.status.busy || this.thread.busy;
  }

  /** This process stops before the job ends: the status says so, and that it will go on elsewhere. */
  interrupt(note: string): void {
    if (this.ended) return;
    this.show({ ...this.progress, waiting: note });
  }

  hurry(): void {
    this.status.hurry();
    this.thread.hurry();
  }

  /** Resolves when neither lane has anything left (the status post may start the thread lane). */
  async idle(): Promise<void> {
    while (this.busy) await Promise.all([this.status.idle(), this.thread.idle()]);
  }

  close(): void {
    this.stopLogWait();
    this.status.close();
    this.thread.close();
  }

  private started(attempt: number): void {
    if (attempt > 1) {
      this.final = false;
      this.progress = startJobProgress(this.jobId, this.job);
      this.detail([`attempt ${attempt} started`]);
    }
    this.show(this.progress);
  }

  private event(event: ReleaseEvent): void {
    this.detail(detailLines(event));
    if (event.type === 'log') this.logged(applyEvent(this.progress, event));
    else this.show(applyEvent(this.progress, event));
  }

  /** New log lines: shown at most once per logIntervalMs (Slack's edits are rate-limited), the latest then. */
  private logged(progress: JobProgress): void {
    this.progress = progress;
    if (this.logWait) return;
    const wait = this.logShownAt + this.deps.tuning.logIntervalMs - this.deps.clock.now();
    if (wait <= 0) return this.showLog();
    const stop = new AbortController();
    this.logWait = stop;
    void this.deps.clock.sleep(wait, stop.signal).then(() => {
      if (stop.signal.aborted) return;
      this.logWait = undefined;
      this.showLog();
    });
  }

  private showLog(): void {
    this.logShownAt = this.deps.clock.now();
    this.show(this.progress);
  }

  private stopLogWait(): void {
    this.logWait?.abort();
    this.logWait = undefined;
  }

  private completed(result: JobOutcome): void {
    this.detail(outcomeLines(result));
    this.finish(finishProgress(this.progress, { outcome: FAILED_OUTCOMES.has(result.outcome) ? 'failed' : 'released', message: result.message }));
  }

  private failed(message: string, attempt: number, final: boolean): void {
    this.detail([failureLine(message, attempt, final)]);
    if (final) this.finish(finishProgress(this.progress, { outcome: 'failed', message }));
    else this.show({ ...this.progress, waiting: `attempt ${attempt} failed, will be retried: ${message}` });
  }

  private finish(progress: JobProgress): void {
    this.stopLogWait();
    this.final = true;
    this.status.markFinal();
    this.thread.markFinal();
    this.show(progress);
  }

  private show(progress: JobProgress): void {
    this.progress = progress;
    this.version += 1;
    this.status.kick();
  }

  private detail(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.lines.push(...lines);
    this.thread.kick();
  }

  private threadTs(): string | undefined {
    return this.origin.threadTs ?? this.ts;
  }

  private statusSource() {
    return {
      pending: (): StatusSnapshot | undefined => {
        if (this.version <= this.sentVersion) return undefined;
        if (this.rendered?.version !== this.version) this.rendered = { version: this.version, message: toBlockKit(progressMessage(this.progress)) };
        return this.rendered;
      },
      send: (s: StatusSnapshot) => this.sendStatus(s.message),
      settled: (s: StatusSnapshot) => {
        this.sentVersion = Math.max(this.sentVersion, s.version);
      },
      abandon: () => {
        this.sentVersion = this.version;
      },
    };
  }

  private async sendStatus(message: SlackMessage): Promise<void> {
    const { slack } = this.deps;
    const body = { channel: this.origin.channel, text: message.text, blocks: message.blocks };
    if (this.ts === undefined && !this.lookedUp) await this.lookUp();
    if (this.ts !== undefined) {
      try {
        await slack.chat.update({ ...body, ts: this.ts });
        return;
      } catch (error) {
        if (!MESSAGE_GONE.has(platformError(error) ?? '')) throw error;
        this.ts = undefined;
      }
    }
    const thread = this.origin.threadTs ? { thread_ts: this.origin.threadTs } : {};
    const posted = await slack.chat.postMessage({ ...body, ...thread, ...NO_UNFURL });
    this.ts = posted.ts;
    if (posted.ts !== undefined) await this.save(posted.ts);
    this.thread.kick();
  }

  /** The status message another worker posted for this job (it crashed, or ran an earlier attempt). */
  private async lookUp(): Promise<void> {
    this.lookedUp = true;
    const saved = await this.deps.messages?.find(this.jobId).catch((error: unknown) => void this.deps.onError?.(error));
    if (saved?.channel !== this.origin.channel || this.ts !== undefined) return;
    this.ts = saved.ts;
    this.thread.kick();
  }

  private async save(ts: string): Promise<void> {
    await this.deps.messages?.save(this.jobId, { channel: this.origin.channel, ts }).catch((error: unknown) => this.deps.onError?.(error));
  }

  private threadSource() {
    return {
      pending: (): string[] | undefined => (this.lines.length > 0 && this.threadTs() !== undefined ? nextBatch(this.lines) : undefined),
      send: async (lines: string[]): Promise<void> => {
        const text = cut(lines.map(escapeMrkdwn).join('\n'), MAX_REPLY_CHARS + 500);
        await this.deps.slack.chat.postMessage({ channel: this.origin.channel, thread_ts: this.threadTs()!, text, ...NO_UNFURL });
      },
      settled: (lines: string[]) => {
        this.lines.splice(0, lines.length);
      },
      abandon: () => {
        this.lines = [];
      },
    };
  }
}

function nextBatch(lines: readonly string[]): string[] {
  const batch: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (batch.length >= MAX_BATCH_LINES || (batch.length > 0 && size + line.length > MAX_REPLY_CHARS)) break;
    batch.push(line);
    size += line.length + 1;
  }
  return batch;
}
