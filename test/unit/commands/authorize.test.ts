import { describe, expect, it } from 'vitest';
import { authorize, resolvePolicy, type Actor, type EnvironmentPolicy } from '../../../src/core/commands/authorize.js';
import { parseCommandOrThrow } from '../../../src/core/commands/parse-command.js';
import { namesAreIds, type PeopleDirectory } from '../../../src/core/commands/people.js';

const alice: Actor = { id: 'U0ALICE', name: 'alice', teams: ['platform'] };
const bob: Actor = { id: 'U0BOB', name: 'bob', teams: ['security'] };
const eve: Actor = { id: 'U0EVE', name: 'eve', teams: [] };
/** Someone whose Slack user name is `alice` but who is not the alice of the directory. */
const fakeAlice: Actor = { id: 'U0MALLORY', name: 'alice', teams: [] };

/** A workspace: names to ids; anything else names nobody; ids are taken as written. */
const directory: PeopleDirectory = {
  lookup: async (entry) => {
    const ids: Record<string, string> = { alice: 'U0ALICE', bob: 'U0BOB', carol: 'U0CAROL', eve: 'U0EVE' };
    if (/^U0[A-Z]+$/.test(entry)) return { person: { id: entry, name: entry.slice(2).toLowerCase() } };
    const id = ids[entry];
    return id ? { person: { id, name: entry } } : { missing: 'not found in Slack' };
  },
};

const production: EnvironmentPolicy = { access: { users: ['alice'], teams: ['security'] }, approval: { approvers: ['alice', 'U0CAROL'], expires_minutes: 30 } };
const deployTo = (env: string) => parseCommandOrThrow(`deploy mary main ${env}`);
const decide = async (policy: EnvironmentPolicy, actor: Actor, text: string) => authorize(await resolvePolicy(policy, directory), actor, parseCommandOrThrow(text));

describe('authorize', () => {
  it('lets anyone change an environment without access or approval', async () => {
    expect(await decide({}, eve, 'deploy mary main dev3')).toEqual({ kind: 'allowed' });
    expect(await decide({ access: null, approval: null }, eve, 'deploy mary main staging')).toEqual({ kind: 'allowed' });
  });

  it('refuses a user neither listed nor in a listed team, saying who may', async () => {
    expect(await decide(production, eve, 'deploy mary main production')).toEqual({
      kind: 'refused',
      reason: 'eve may not change production: only @alice, team security',
    });
  });

  it('allows by user (named or written as an id) or team, then asks for approval', async () => {
    const needs = { kind: 'needs-approval', approvers: [{ id: 'U0ALICE', name: 'alice' }, { id: 'U0CAROL', name: 'carol' }], unresolved: [], expiresMinutes: 30 };
    expect(await decide(production, alice, 'deploy mary main production')).toEqual(needs);
    expect(await decide(production, bob, 'deploy mary main production')).toEqual(needs);
    expect(await decide({ access: { users: ['U0EVE'] } }, eve, 'deploy mary main production')).toEqual({ kind: 'allowed' });
  });

  it('matches on the user id, never on the name Slack sends', async () => {
    expect(await decide(production, fakeAlice, 'deploy mary main production')).toMatchObject({ kind: 'refused', reason: 'alice may not change production: only @alice, team security' });
  });

  it('grants nothing to a name that resolves to nobody, and says which', async () => {
    const policy: EnvironmentPolicy = { access: { users: ['eve', 'mallory'] } };
    expect(await decide(policy, eve, 'deploy mary main production')).toEqual({ kind: 'allowed' });
    expect(await decide(policy, { id: 'mallory', name: 'mallory', teams: [] }, 'deploy mary main production')).toEqual({
      kind: 'refused', reason: 'mallory may not change production: only @eve (names nobody: @mallory (not found in Slack))',
    });
  });

  it('refuses a change nobody could approve (every approver unknown); an unknown approver among known ones is reported', async () => {
    expect(await decide({ approval: { approvers: ['zed'] } }, eve, 'deploy mary main production')).toEqual({
      kind: 'refused', reason: 'no one can approve changes to production: @zed (not found in Slack)',
    });
    expect(await decide({ approval: { approvers: ['zed', 'carol'] } }, eve, 'deploy mary main production')).toMatchObject({
      kind: 'needs-approval', approvers: [{ id: 'U0CAROL', name: 'carol' }], unresolved: [{ entry: 'zed', reason: 'not found in Slack' }],
    });
  });

  it('defaults the expiry of an approval to 60 minutes', async () => {
    expect(await decide({ approval: { approvers: ['carol'] } }, eve, 'deploy mary main production')).toMatchObject({ kind: 'needs-approval', expiresMinutes: 60 });
  });

  it('refuses everyone when access lists nobody', async () => {
    expect(await decide({ access: {} }, alice, 'deploy mary main production')).toEqual({ kind: 'refused', reason: 'no one may change production: its access lists no users or teams' });
  });

  it('lets everyone read; config get needs access but no approval', async () => {
    for (const text of ['status mary production', 'history mary production', 'envs', 'help deploy']) {
      expect(await decide(production, eve, text)).toEqual({ kind: 'allowed' });
    }
    expect(await decide(production, eve, 'config get mary production')).toMatchObject({ kind: 'refused' });
    expect(await decide(production, bob, 'config get mary production')).toEqual({ kind: 'allowed' });
  });

  it('asks approval for every change: rollback, scale, config set/unset, datastore', async () => {
    for (const text of ['rollback mary production', 'scale mary production web=3', 'config set mary production A=1', 'config unset mary production A', 'datastore reset production']) {
      expect((await decide(production, alice, text)).kind).toBe('needs-approval');
    }
  });

  it('takes names as ids where there is no platform (the shell)', async () => {
    const policy = await resolvePolicy(production, namesAreIds);
    expect(authorize(policy, { id: 'alice', name: 'alice', teams: [] }, deployTo('production'))).toMatchObject({ kind: 'needs-approval' });
    expect(authorize(policy, { id: 'eve', name: 'eve', teams: [] }, deployTo('production'))).toMatchObject({ kind: 'refused' });
  });
});
