// A stand-in deploy pipeline over files, shared by worker processes: "apply" overwrites the
// app's state (re-applying is harmless, as a server-side apply is), and "history" appends one
// line per job id unless that job id is already there (as recordRelease does per job id).
// `calls.log` records each call with the pid, so a test sees which process ran what.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobHandlers } from '../../src/core/jobs/job-handlers.js';
import type { JobOutcome } from '../../src/core/ports/job-queue.js';
import { handlersWith } from './job-fixtures.js';

/** hang-after-apply: never reaches the history (to be killed); wait-for-go: waits for `dir/go` first. */
export type PipelineMode = 'normal' | 'hang-after-apply' | 'wait-for-go';

export function historyLines(dir: string): string[] {
  const file = join(dir, 'history.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
}

export function callLines(dir: string): string[] {
  const file = join(dir, 'calls.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function filePipeline(dir: string, mode: PipelineMode): JobHandlers {
  return handlersWith({
    deploy: async (ctx, job): Promise<JobOutcome> => {
      appendFileSync(join(dir, 'calls.log'), `apply ${ctx.jobId} ${process.pid}\n`);
      writeFileSync(join(dir, `applied-${job.env}.${job.app}`), job.ref);
      if (mode === 'hang-after-apply') await new Promise<never>(() => undefined);
      while (mode === 'wait-for-go' && !existsSync(join(dir, 'go'))) await pause(10);
      if (!historyLines(dir).some((line) => line.startsWith(`${ctx.jobId} `))) {
        appendFileSync(join(dir, 'history.log'), `${ctx.jobId} ${job.app} ${job.env} ${job.ref}\n`);
      }
      appendFileSync(join(dir, 'calls.log'), `done ${ctx.jobId} ${process.pid}\n`);
      return { outcome: 'released', message: `deployed ${job.app}@${job.ref}`, commit: ctx.jobId };
    },
  });
}
