// What a slash command does after its ack waits for the acks of the requests already read: the
// commands waiting are let go one per turn of the event loop, so the requests read between two of
// them (a burst's other commands, each with Slack's 3 s to be answered) are acked first. Let go all
// at once, a burst's waiting work ran back to back and held up the acks read meanwhile.
const waiting: (() => void)[] = [];
let lettingGo = false;

function letOneGo(): void {
  waiting.shift()?.();
  if (waiting.length > 0) setImmediate(letOneGo);
  else lettingGo = false;
}

/** Resolves on a later turn of the event loop than the I/O pending now, after the commands waiting before. */
export function afterPendingIo(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!lettingGo) {
      lettingGo = true;
      setImmediate(letOneGo);
    }
  });
}
