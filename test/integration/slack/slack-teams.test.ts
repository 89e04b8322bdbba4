import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { slackTeams } from '../../../src/adapters/slack/slack-teams.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';
import { startSlackApiStandin, type SlackApiStandin } from '../../support/slack-api-standin.js';

let standin: SlackApiStandin | undefined;
afterEach(async () => {
  await standin?.stop();
});

const clientOf = (s: SlackApiStandin) => new webApi.WebClient('xoxb-test', { slackApiUrl: s.apiUrl, retryConfig: { retries: 0 } });

describe('teams from Slack user groups', () => {
  it('names the groups a user is in, reading Slack at most once per ttl', async () => {
    standin = await startSlackApiStandin({ usergroups: { security: ['U1', 'U2'], payments: ['U2'], empty: [] } });
    const clock = new ManualClock(0);
    const teamsOf = slackTeams(clientOf(standin), { ttlMs: 60_000, clock });
    expect(await Promise.all([teamsOf('U2'), teamsOf('U1'), teamsOf('U9')])).toEqual([['payments', 'security'], ['security'], []]);
    expect(standin.callsOf('usergroups.list')).toHaveLength(1);
    await clock.advance(60_000);
    await teamsOf('U1');
    expect(standin.callsOf('usergroups.list')).toHaveLength(2);
  });

  it('puts nobody in a team when Slack cannot be asked, and says why', async () => {
    standin = await startSlackApiStandin();
    const client = clientOf(standin);
    await standin.stop();
    const errors: unknown[] = [];
    const teamsOf = slackTeams(client, { onError: (e) => errors.push(e) });
    expect(await teamsOf('U1')).toEqual([]);
    expect(errors).toHaveLength(1);
    standin = undefined;
  });
});
