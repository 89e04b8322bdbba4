// The check of a schedule's `time_zone`: a name the runtime's Intl knows (BullMQ's cron parser
// computes times through it), with a "did you mean" for a near miss (`Europe/Pari`).
import { closestWord } from '../text/did-you-mean.js';

let known: readonly string[] | undefined;

function knownZones(): readonly string[] {
  known ??= ['UTC', ...Intl.supportedValuesOf('timeZone')];
  return known;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Why `name` is not a time zone, or undefined when it is. */
export function timeZoneProblem(name: string): string | undefined {
  if (isTimeZone(name)) return undefined;
  const guess = closestWord(name, knownZones());
  return `unknown time zone "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}: expected an IANA name such as Europe/Paris or UTC`;
}
