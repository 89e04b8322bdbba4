// The check of a schedule's `time_zone`: a name the runtime's Intl knows (BullMQ's cron parser
// computes times through it), with a "did you mean" for a near miss (`Europe/Pari`).
import { closestWord } from '../text/did-you-mean.js';

let known: readonly string[] | undefined;
let canonical: ReadonlySet<string> | undefined;

function knownZones(): readonly string[] {
  known ??= ['UTC', ...Intl.supportedValuesOf('timeZone')];
  return known;
}

// The canonical names are looked up first: listing them takes ~4 ms, where the first
// Intl.DateTimeFormat of a process takes ~30 ms (ICU's date formatting data). Aliases such as
// US/Pacific or Asia/Calcutta are not listed: the formatter still decides for them.
function isTimeZone(name: string): boolean {
  canonical ??= new Set(knownZones());
  if (canonical.has(name)) return true;
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
