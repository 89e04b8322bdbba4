// People named in config (`access.users`, `approval.approvers`) are matched by platform user id,
// never by name: Slack has deprecated `user_name`, and names change and repeat. An entry may be
// an id (`U0123ABC`) or a name; a directory resolves it. An entry that resolves to nobody grants
// nothing, and the caller says so.

export interface Person {
  /** Platform id (Slack `U0123ABC`), stable across renames. */
  id: string;
  /** Shown to people (`alice`). */
  name: string;
}

/** A config entry resolved: the person, or why it names nobody (`not found in Slack`). */
export type Lookup = { person: Person } | { missing: string };

export interface PeopleDirectory {
  lookup(entry: string): Promise<Lookup>;
}

/** Where there is no platform (the shell, the CLI): a name is the person's id. */
export const namesAreIds: PeopleDirectory = {
  lookup: async (entry) => ({ person: { id: entry, name: entry } }),
};

export interface Unresolved {
  entry: string;
  reason: string;
}

export interface ResolvedPeople {
  people: Person[];
  unresolved: Unresolved[];
}

export async function resolvePeople(directory: PeopleDirectory, entries: readonly string[]): Promise<ResolvedPeople> {
  const looked = await Promise.all(entries.map(async (entry) => ({ entry, found: await directory.lookup(entry) })));
  const people: Person[] = [];
  const unresolved: Unresolved[] = [];
  for (const { entry, found } of looked) {
    if ('person' in found) {
      if (!people.some((p) => p.id === found.person.id)) people.push(found.person);
    } else unresolved.push({ entry, reason: found.missing });
  }
  return { people, unresolved };
}

/** `@dave (not found in Slack)`, for messages and logs. */
export function describeUnresolved(unresolved: readonly Unresolved[]): string {
  return unresolved.map((u) => `@${u.entry} (${u.reason})`).join(', ');
}
