// The Slack API stand-in of slack-ack.bench (test/support/slack-api-standin.ts), run as a worker
// thread so that answering the replies Nestor posts to response_url after each ack does not
// share the event loop of the Bolt apps being measured (bare Bolt calls nothing: both apps get the
// same stand-in, neither hosts it). It answers `count` messages with the replies recorded so far
// for response URLs whose id starts with a prefix.
import { parentPort } from 'node:worker_threads';
import { startSlackApiStandin } from '../../test/support/slack-api-standin.js';

export type StandinMessage = { kind: 'count'; prefix: string } | { kind: 'stop' };

/** Posted once, when the stand-in listens; a response URL is `responseUrlBase` + its id (URL-encoded). */
export interface StandinReady {
  apiUrl: string;
  responseUrlBase: string;
}

export interface ReplyCount {
  replies: number;
  /** Replies saying the queue was unavailable. */
  unavailable: number;
}

const slack = await startSlackApiStandin();
parentPort?.postMessage({ apiUrl: slack.apiUrl, responseUrlBase: slack.responseUrl('') } satisfies StandinReady);
parentPort?.on('message', (message: StandinMessage) => {
  if (message.kind === 'stop') {
    void slack.stop().then(() => parentPort?.close());
    return;
  }
  const replies = slack.callsOf('response_url').filter((c) => String(c.args['id']).startsWith(message.prefix));
  const unavailable = replies.filter((c) => JSON.stringify(c.args).includes('unavailable')).length;
  parentPort?.postMessage({ replies: replies.length, unavailable } satisfies ReplyCount);
});
