// What `/nestor datastore list <env>` posts: the lines `nestor datastore list` prints, one
// monospace section per datastore in ONE message, the datastores beyond one message's blocks in
// its thread. Sizes, snapshots and resets only: a connection is never part of a listing.
import { message, Tone } from '../commands/replies/message.js';
import { fitLines, SECTIONS_PER_REPLY, threadReplies, type ThreadedMessages } from '../fleet/message-limits.js';
import { listingLines, type DatastoreListing } from './list-datastores.js';

/** `2 datastores in dev3` (the job's outcome and the message's notification text). */
export function listingSummary(env: string, listing: readonly DatastoreListing[]): string {
  return `${listing.length} datastore${listing.length === 1 ? '' : 's'} in ${env}`;
}

export function listingMessages(env: string, listing: readonly DatastoreListing[], meta: { runId: string; by: string }): ThreadedMessages {
  const sections = listing.map((one) => ({ lines: fitLines(listingLines(env, [one])), monospace: true }));
  const title = `Datastores of ${env}`;
  const summary = message({
    tone: listing.some((l) => l.sizeError !== undefined) ? Tone.Warning : Tone.Info,
    title,
    summary: listingSummary(env, listing),
    sections: sections.slice(0, SECTIONS_PER_REPLY),
    context: [`job ${meta.runId}`, `by ${meta.by}`, ...(sections.length > SECTIONS_PER_REPLY ? ['the rest in the thread'] : [])],
  });
  const thread = threadReplies(sections.slice(SECTIONS_PER_REPLY), `${title}: the rest`, `${env}: datastores beyond the first ${SECTIONS_PER_REPLY}`);
  return { summary, thread };
}
