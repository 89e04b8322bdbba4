// "Did you mean" for a typo: the closest candidate, only when it is close enough to be a slip.
import { distance } from 'fastest-levenshtein';

/** The closest candidate to `word` (case-insensitive), or undefined when none is a plausible slip. */
export function closestWord<T extends string>(word: string, candidates: readonly T[]): T | undefined {
  const lower = word.toLowerCase();
  const prefixed = candidates.filter((c) => lower.length >= 2 && c.toLowerCase().startsWith(lower));
  if (prefixed.length === 1) return prefixed[0];
  let best: T | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(1, Math.floor(Math.min(lower.length, 12) / 3));
  return bestDistance <= tolerance ? best : undefined;
}
