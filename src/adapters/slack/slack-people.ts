// People named in config, found in Slack. An id (`U0123ABC`, `W0123ABC`) is taken as written
// (its name read with `users.info`, for messages); a name is looked up in the workspace's member
// list (`users.list`, every page): its user name, else a display name only one member has.
// Deleted members name nobody. The list is read at most once per ttl and shared meanwhile; a
// name not in it reads it again, at most once per `missRefreshMs`, so that someone who just
// joined is found. When Slack can't be asked, a name resolves to nobody (access by name is
// refused, never guessed) and an id still works.
import type { webApi } from '@slack/bolt';
import type { Clock } from '../../core/ports/clock.js';
import { systemClock } from '../system/system-clock.js';
import type { Lookup, PeopleDirectory } from '../../core/commands/people.js';

export interface SlackPeopleOptions {
  /** How long the member list is trusted. Default 10 minutes. */
  ttlMs?: number;
  /** The least time between two reads caused by names not found. Default 1 minute. */
  missRefreshMs?: number;
  /** Default: the system clock. */
  clock?: Clock;
  onError?: (error: unknown) => void;
}

interface Member {
  id: string;
  name?: string;
  deleted?: boolean;
  profile?: { display_name?: string };
}

interface Directory {
  byName: Map<string, Member>;
  /** Display names held by exactly one member; `null` when several hold it. */
  byDisplayName: Map<string, Member | null>;
  byId: Map<string, Member>;
}

const SLACK_ID = /^[UW][A-Z0-9]{2,}$/;
const PAGE = 200;

async function readMembers(client: webApi.WebClient): Promise<Member[]> {
  const members: Member[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.users.list({ limit: PAGE, ...(cursor ? { cursor } : {}) });
    members.push(...((page.members ?? []) as Member[]));
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return members;
}

function index(members: readonly Member[]): Directory {
  const directory: Directory = { byName: new Map(), byDisplayName: new Map(), byId: new Map() };
  for (const member of members) {
    if (member.deleted) continue;
    directory.byId.set(member.id, member);
    if (member.name) directory.byName.set(member.name.toLowerCase(), member);
    const display = member.profile?.display_name?.toLowerCase();
    if (display) directory.byDisplayName.set(display, directory.byDisplayName.has(display) ? null : member);
  }
  return directory;
}

function find(directory: Directory, entry: string): Lookup {
  const key = entry.toLowerCase();
  const member = directory.byName.get(key) ?? directory.byDisplayName.get(key);
  if (member === null) return { missing: `several Slack members are called ${entry}: write their user id` };
  if (member === undefined) return { missing: 'not found in Slack' };
  return { person: { id: member.id, name: member.name ?? entry } };
}

export function slackPeople(client: webApi.WebClient, options: SlackPeopleOptions = {}): PeopleDirectory {
  const ttl = options.ttlMs ?? 10 * 60_000;
  const missRefresh = options.missRefreshMs ?? 60_000;
  const clock = options.clock ?? systemClock;
  let cached: { at: number; directory: Promise<Directory> } | undefined;
  const load = (): Promise<Directory> => {
    const loading = readMembers(client).then(index);
    cached = { at: clock.now(), directory: loading };
    loading.catch(() => {
      if (cached?.directory === loading) cached = undefined;
    });
    return loading;
  };
  const directory = (): Promise<Directory> => (!cached || clock.now() - cached.at >= ttl ? load() : cached.directory);

  const byName = async (entry: string): Promise<Lookup> => {
    const found = find(await directory(), entry);
    if ('person' in found || !cached || clock.now() - cached.at < missRefresh) return found;
    return find(await load(), entry);
  };
  const idNames = new Map<string, { at: number; name: string }>();
  const nameOfId = async (id: string): Promise<string> => {
    const listed = cached && (await cached.directory.catch(() => undefined))?.byId.get(id);
    if (listed?.name) return listed.name;
    const known = idNames.get(id);
    if (known && clock.now() - known.at < ttl) return known.name;
    const answer = await client.users.info({ user: id });
    const name = (answer.user as Member | undefined)?.name ?? id;
    idNames.set(id, { at: clock.now(), name });
    return name;
  };

  return {
    lookup: async (entry) => {
      try {
        if (SLACK_ID.test(entry)) return { person: { id: entry, name: await nameOfId(entry).catch(() => entry) } };
        return await byName(entry);
      } catch (error) {
        options.onError?.(error);
        return { missing: 'Slack could not be asked who this is' };
      }
    },
  };
}
