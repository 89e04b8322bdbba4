// Teams named in `access.teams` are Slack user groups, by handle (`@security` → `security`).
// The groups are read at most once per ttl and shared by every lookup in the meantime.
import type { webApi } from '@slack/bolt';
import type { Clock } from '../../core/ports/clock.js';
import { systemClock } from '../system/system-clock.js';

export interface SlackTeamsOptions {
  ttlMs?: number;
  /** Default: the system clock. */
  clock?: Clock;
  onError?: (error: unknown) => void;
}

interface UserGroup {
  handle?: string;
  users?: string[];
}

export type TeamsOf = (userId: string) => Promise<string[]>;

/**
 * Who belongs to which team. When Slack can't be asked, a user is in no team: access granted by
 * team is refused rather than guessed, access granted by name still works.
 */
export function slackTeams(client: webApi.WebClient, options: SlackTeamsOptions = {}): TeamsOf {
  const ttl = options.ttlMs ?? 60_000;
  const clock = options.clock ?? systemClock;
  let cached: { at: number; groups: Promise<UserGroup[]> } | undefined;
  const groups = (): Promise<UserGroup[]> => {
    if (!cached || clock.now() - cached.at >= ttl) {
      const loading = client.usergroups
        .list({ include_users: true })
        .then((answer) => (answer.usergroups ?? []) as UserGroup[]);
      cached = { at: clock.now(), groups: loading };
      loading.catch(() => {
        if (cached?.groups === loading) cached = undefined;
      });
    }
    return cached.groups;
  };
  return async (userId) => {
    try {
      return (await groups()).filter((g) => g.handle && g.users?.includes(userId)).map((g) => g.handle!).sort();
    } catch (error) {
      options.onError?.(error);
      return [];
    }
  };
}
