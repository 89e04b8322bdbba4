import { parseArgs } from 'node:util';

/** A bench's whole-number options (`--name N`), each with its default; anything else stops it with one line. */
export function countOptions<T extends string>(defaults: Record<T, number>): Record<T, number> {
  const options = Object.fromEntries(Object.keys(defaults).map((name) => [name, { type: 'string' as const }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ options, strict: true }));
  } catch (error) {
    console.error(`${(error as Error).message} (options: ${Object.keys(defaults).map((n) => `--${n} N`).join(', ')})`);
    process.exit(2);
  }
  const counts = { ...defaults };
  for (const name of Object.keys(defaults) as T[]) {
    const given = values[name];
    if (given === undefined) continue;
    const n = Number(given);
    if (!Number.isInteger(n) || n < 1) {
      console.error(`--${name} takes a whole number of at least 1, not ${JSON.stringify(given)}`);
      process.exit(2);
    }
    counts[name] = n;
  }
  return counts;
}
