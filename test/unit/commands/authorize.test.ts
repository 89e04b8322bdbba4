import { describe, expect, it } from 'vitest';
import { authorize, type Actor, type EnvironmentPolicy } from '../../../src/core/commands/authorize.js';
import { parseCommandOrThrow } from '../../../src/core/commands/parse-command.js';

const alice: Actor = { id: 'U0ALICE', name: 'alice', teams: ['platform'] };
const bob: Actor = { id: 'U0BOB', name: 'bob', teams: ['security'] };
const eve: Actor = { id: 'U0EVE', name: 'eve', teams: [] };

const production: EnvironmentPolicy = { access: { users: ['alice'], teams: ['security'] }, approval: { approvers: ['alice', 'U0CAROL'], expires_minutes: 30 } };
const open: EnvironmentPolicy = {};
const deployTo = (env: string) => parseCommandOrThrow(`deploy mary main ${env}`);

describe('authorize', () => {
  it('lets anyone change an environment without access or approval', () => {
    expect(authorize(open, eve, deployTo('dev3'))).toEqual({ kind: 'allowed' });
    expect(authorize({ access: null, approval: null }, eve, deployTo('staging'))).toEqual({ kind: 'allowed' });
  });

  it('refuses a user neither listed nor in a listed team, saying who may', () => {
    expect(authorize(production, eve, deployTo('production'))).toEqual({
      kind: 'refused',
      reason: 'eve may not change production: only @alice, team security',
    });
  });

  it('allows by user name, user id or team, then asks for approval', () => {
    const needs = { kind: 'needs-approval', approvers: ['alice', 'U0CAROL'], expiresMinutes: 30 };
    expect(authorize(production, alice, deployTo('production'))).toEqual(needs);
    expect(authorize(production, bob, deployTo('production'))).toEqual(needs);
    expect(authorize({ access: { users: ['U0EVE'] } }, eve, deployTo('production'))).toEqual({ kind: 'allowed' });
  });

  it('defaults the expiry of an approval to 60 minutes', () => {
    expect(authorize({ approval: { approvers: ['carol'] } }, eve, deployTo('production'))).toMatchObject({ kind: 'needs-approval', expiresMinutes: 60 });
  });

  it('refuses everyone when access lists nobody', () => {
    expect(authorize({ access: {} }, alice, deployTo('production'))).toEqual({ kind: 'refused', reason: 'no one may change production: its access lists no users or teams' });
  });

  it('lets everyone read; config get needs access but no approval', () => {
    for (const text of ['status mary production', 'history mary production', 'envs', 'help deploy']) {
      expect(authorize(production, eve, parseCommandOrThrow(text))).toEqual({ kind: 'allowed' });
    }
    expect(authorize(production, eve, parseCommandOrThrow('config get mary production'))).toMatchObject({ kind: 'refused' });
    expect(authorize(production, bob, parseCommandOrThrow('config get mary production'))).toEqual({ kind: 'allowed' });
  });

  it('asks approval for every change: rollback, scale, config set/unset, datastore', () => {
    for (const text of ['rollback mary production', 'scale mary production web=3', 'config set mary production A=1', 'config unset mary production A', 'datastore reset production']) {
      expect(authorize(production, alice, parseCommandOrThrow(text)).kind).toBe('needs-approval');
    }
  });
});
