// Port: the CI successes already taken through the branch workflow, so that the same success
// told twice (a CI retry, a replayed webhook, a second worker) moves nothing twice.

/** One CI success of an app's branch at a commit, done. */
export interface CiDelivery {
  app: string;
  branch: string;
  sha: string;
  /** The job that ran it. */
  jobId: string;
  /** ISO-8601. */
  at: string;
  /** One line: what it did (`tagged ci-20261202-1a2b3c4, greenlight fast-forwarded`). */
  summary: string;
}

export interface CiDeliveries {
  /** The delivery of (app, branch, sha) when it was done already. */
  find(app: string, branch: string, sha: string): Promise<CiDelivery | undefined>;
  /** Records it done (kept for weeks: a CI retry comes within days). */
  record(delivery: CiDelivery): Promise<void>;
}
