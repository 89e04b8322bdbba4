// Names in config resolved to Slack user ids through the Slack API stand-in (users.list,
// users.info), as `nestor bot` does it.
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { slackPeople } from '../../../src/adapters/slack/slack-people.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';
import { startSlackApiStandin, type SlackApiStandin, type StandinUser } from '../../support/slack-api-standin.js';

let standin: SlackApiStandin | undefined;
afterEach(async () => {
  await standin?.stop();
});

const clientOf = (s: SlackApiStandin) => new webApi.WebClient('xoxb-test', { slackApiUrl: s.apiUrl, retryConfig: { retries: 0 } });

/** 250 members: more than one page of users.list. */
function workspace(): Record<string, StandinUser> {
  const users: Record<string, StandinUser> = {};
  for (let i = 0; i < 245; i += 1) users[`U1${String(i).padStart(4, '0')}`] = { name: `member${i}` };
  return {
    ...users,
    U0ALICE: { name: 'alice', display_name: 'Alice L' },
    U0CAROL: { name: 'carol.d', display_name: 'carol' },
    U0OLD: { name: 'dave', deleted: true },
    U0SAM1: { name: 'sam.one', display_name: 'sam' },
    U0SAM2: { name: 'sam.two', display_name: 'sam' },
  };
}

describe('people named in config, found in Slack', () => {
  it('resolves a user name or a display name only one member has, across pages of users.list', async () => {
    standin = await startSlackApiStandin({ users: workspace() });
    const people = slackPeople(clientOf(standin));
    expect(await people.lookup('alice')).toEqual({ person: { id: 'U0ALICE', name: 'alice' } });
    expect(await people.lookup('ALICE')).toEqual({ person: { id: 'U0ALICE', name: 'alice' } });
    expect(await people.lookup('carol')).toEqual({ person: { id: 'U0CAROL', name: 'carol.d' } });
    expect(await people.lookup('member3')).toEqual({ person: { id: 'U10003', name: 'member3' } });
    expect(standin.callsOf('users.list').length).toBeGreaterThan(1);
  });

  it('names nobody for an unknown name, a deleted member or a display name several members have', async () => {
    standin = await startSlackApiStandin({ users: workspace() });
    const people = slackPeople(clientOf(standin));
    expect(await people.lookup('zed')).toEqual({ missing: 'not found in Slack' });
    expect(await people.lookup('dave')).toEqual({ missing: 'not found in Slack' });
    expect(await people.lookup('sam')).toEqual({ missing: 'several Slack members are called sam: write their user id' });
  });

  it('takes an id as written, with its name from users.info when the list does not have it', async () => {
    standin = await startSlackApiStandin({ users: { U0ERIN: { name: 'erin' } } });
    const people = slackPeople(clientOf(standin));
    expect(await people.lookup('U0ERIN')).toEqual({ person: { id: 'U0ERIN', name: 'erin' } });
    expect(await people.lookup('U0GONE')).toEqual({ person: { id: 'U0GONE', name: 'U0GONE' } });
    await people.lookup('U0ERIN');
    expect(standin.callsOf('users.info').map((c) => c.args['user'])).toEqual(['U0ERIN', 'U0GONE']);
  });

  it('reads the member list once per ttl, and again for a name it lacks (at most once a minute)', async () => {
    standin = await startSlackApiStandin({ users: { U0ALICE: { name: 'alice' } } });
    const clock = new ManualClock(0);
    const people = slackPeople(clientOf(standin), { ttlMs: 600_000, missRefreshMs: 60_000, clock });
    await Promise.all([people.lookup('alice'), people.lookup('alice')]);
    expect(standin.callsOf('users.list')).toHaveLength(1);
    standin.setUser('U0NEW', { name: 'newcomer' });
    expect(await people.lookup('newcomer')).toEqual({ missing: 'not found in Slack' });
    expect(standin.callsOf('users.list')).toHaveLength(1);
    await clock.advance(60_000);
    expect(await people.lookup('newcomer')).toEqual({ person: { id: 'U0NEW', name: 'newcomer' } });
    expect(standin.callsOf('users.list')).toHaveLength(2);
    await clock.advance(600_000);
    await people.lookup('alice');
    expect(standin.callsOf('users.list')).toHaveLength(3);
  });

  it('resolves names to nobody when Slack cannot be asked (ids still work), and says why', async () => {
    standin = await startSlackApiStandin();
    const client = clientOf(standin);
    await standin.stop();
    standin = undefined;
    const errors: unknown[] = [];
    const people = slackPeople(client, { onError: (e) => errors.push(e) });
    expect(await people.lookup('alice')).toEqual({ missing: 'Slack could not be asked who this is' });
    expect(await people.lookup('U0ALICE')).toEqual({ person: { id: 'U0ALICE', name: 'U0ALICE' } });
    expect(errors).toHaveLength(1);
  });
});
