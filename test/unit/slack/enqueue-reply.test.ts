// The enqueue of a slash command against a queue that answers late, held by hand: a slow answer
// is told as slow (never "nothing was queued"), then what the queue finally did. The wait for
// the queue's answer is on a clock whose waits end at once: the queue is late, whatever the load.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { enqueueAndTell } from '../../../src/adapters/slack/bot/enqueue-reply.js';
import type { MutatingCommand } from '../../../src/core/commands/command.js';
import { parseCommandOrThrow } from '../../../src/core/commands/parse-command.js';
import type { Message } from '../../../src/core/commands/replies.js';
import type { Job } from '../../../src/core/jobs/job-schema.js';
import type { Enqueued, JobQueue } from '../../../src/core/ports/job-queue.js';
import { InstantClock } from '../../../src/testkit/fakes/time/instant-clock.js';

const command = parseCommandOrThrow('deploy mary feature-x dev3') as MutatingCommand;
const job: Job = { kind: 'deploy', app: 'mary', env: 'dev3', ref: 'feature-x', trigger: 'user', user: 'alice', origin: { kind: 'cli' } };

/** A queue whose one enqueue settles when the test says. */
function heldQueue() {
  let settle!: { resolve: (e: Enqueued) => void; reject: (e: Error) => void };
  const answer = new Promise<Enqueued>((resolve, reject) => (settle = { resolve, reject }));
  const queue: JobQueue = { enqueue: () => answer, line: async () => [], position: async () => undefined, get: async () => undefined };
  return { queue, settle };
}

function replies() {
  const told: Message[] = [];
  const waiters: (() => void)[] = [];
  return {
    told,
    reply: async (m: Message) => void (told.push(m), waiters.splice(0).forEach((w) => w())),
    /** Resolves once `n` replies were sent. */
    count: (n: number) => new Promise<void>((resolve) => (told.length >= n ? resolve() : waiters.push(() => told.length >= n && resolve()))),
  };
}

describe('enqueue against a slow queue', () => {
  it('says the queue is slow, then that the job was not queued after all when the enqueue fails', async () => {
    const { queue, settle } = heldQueue();
    const r = replies();
    const outcome = await enqueueAndTell({ queue, job, key: 'k-1', timeoutMs: 2_500, clock: new InstantClock(), logger: pino({ level: 'silent' }) }, command, 'alice', r.reply);
    expect(outcome).toEqual({ kind: 'slow' });
    expect(r.told.map((m) => m.summary)).toEqual(['deploy mary@feature-x to dev3: the job queue is slow to answer: you will be told here whether it takes the job (do not ask again until then)']);
    settle.reject(new Error('READONLY You can\'t write against a read only replica.'));
    await r.count(2);
    expect(r.told[1]).toMatchObject({ tone: 'failure', title: 'Not queued after all', summary: 'the job queue did not take it after all: nothing was queued, try again in a minute' });
  });

  it('says the job was queued after all when the enqueue lands', async () => {
    const { queue, settle } = heldQueue();
    const r = replies();
    await enqueueAndTell({ queue, job, key: 'k-2', timeoutMs: 2_500, clock: new InstantClock(), logger: pino({ level: 'silent' }) }, command, 'alice', r.reply);
    settle.resolve({ jobId: 'k-2', created: true, message: 'queued as job k-2' });
    await r.count(2);
    expect(r.told[1]).toMatchObject({ title: 'Queued after all', summary: 'the queue was slow but took it: queued as job k-2' });
  });
});
