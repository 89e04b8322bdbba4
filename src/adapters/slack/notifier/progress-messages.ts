// Where a job's status message is, for every worker: the worker that posts it saves its channel
// and ts, and a worker that takes the job over after a crash (or runs a later attempt) edits that
// message instead of posting a second one and leaving the first at "starting".
export interface ProgressMessage {
  channel: string;
  ts: string;
}

export interface ProgressMessages {
  /** The status message saved for `jobId`, if any. */
  find(jobId: string): Promise<ProgressMessage | undefined>;
  save(jobId: string, message: ProgressMessage): Promise<void>;
}
