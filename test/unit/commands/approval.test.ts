import { describe, expect, it } from 'vitest';
import { MemoryApprovalStore } from '../../../src/testkit/fakes/memory/memory-approval-store.js';
import { approvalProblem, createApproval, decide, describeState, expire, voidIfChanged, type ApprovalRequest, type Decision } from '../../../src/core/commands/approval.js';
import { decideStored, expireStored } from '../../../src/core/commands/approval-flow.js';
import type { Actor } from '../../../src/core/commands/authorize.js';

const SHA = 'a'.repeat(40);
const OTHER_SHA = 'b'.repeat(40);
const HASH = 'cfg-1234567890abcdef';
const T0 = new Date('2024-05-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const alice: Actor = { id: 'U0ALICE', name: 'alice', teams: [] };
const carol: Actor = { id: 'U0CAROL', name: 'carol', teams: [] };
const dave: Actor = { id: 'U0DAVE', name: 'dave', teams: [] };
const eve: Actor = { id: 'U0EVE', name: 'eve', teams: [] };

function request(): ApprovalRequest {
  return createApproval(
    { id: 'apr-1', app: 'mary', env: 'production', sha: SHA, configHash: HASH, operation: 'deploy mary@v1.4.2 to production', requester: alice, approvers: [alice, carol, { id: 'U0DAVE', name: 'U0DAVE' }], expiresMinutes: 60 },
    T0,
  );
}

const approveBy = (by: Actor, when = at(5), current = { sha: SHA, configHash: HASH }): Decision => ({ action: 'approve', by, at: when, current });

describe('approval state machine', () => {
  it('is created pending, bound to app, env, sha, config hash, requester and expiry', () => {
    expect(request()).toMatchObject({ state: 'pending', app: 'mary', env: 'production', sha: SHA, configHash: HASH, requester: { id: 'U0ALICE', name: 'alice' }, expiresAt: '2024-05-01T11:00:00.000Z', version: 1 });
  });

  it('is approved by a listed approver (by name or id)', () => {
    const byCarol = decide(request(), approveBy(carol));
    expect(byCarol).toMatchObject({ ok: true, request: { state: 'approved', decidedBy: { name: 'carol' }, version: 2 } });
    expect(decide(request(), approveBy(dave)).ok).toBe(true);
    if (byCarol.ok) expect(describeState(byCarol.request)).toBe('approved by carol');
  });

  it('refuses self-approval, even by a listed approver, and leaves the request unchanged', () => {
    const original = request();
    const result = decide(original, approveBy(alice));
    expect(result).toMatchObject({ ok: false, code: 'self-approval' });
    expect(result.request).toBe(original);
  });

  it('refuses a non-approver, for approving and rejecting', () => {
    expect(decide(request(), approveBy(eve))).toMatchObject({ ok: false, code: 'not-approver', message: 'eve is not an approver for production (approvers: alice, carol, U0DAVE)' });
    expect(decide(request(), { ...approveBy(eve), action: 'reject' })).toMatchObject({ ok: false, code: 'not-approver' });
  });

  it('lets the requester withdraw (reject) their own request', () => {
    const result = decide(request(), { ...approveBy(alice), action: 'reject' });
    expect(result.ok && describeState(result.request)).toBe('withdrawn by alice');
  });

  it('refuses a decision after expiry; expire() records it', () => {
    expect(decide(request(), approveBy(carol, at(60)))).toMatchObject({ ok: false, code: 'expired' });
    expect(expire(request(), at(59)).state).toBe('pending');
    expect(expire(request(), at(61))).toMatchObject({ state: 'expired', version: 2 });
  });

  it('is void when the sha or the config hash changed', () => {
    expect(decide(request(), approveBy(carol, at(5), { sha: OTHER_SHA, configHash: HASH }))).toMatchObject({ ok: false, code: 'stale', message: 'this request is void: the commit changed from aaaaaaa to bbbbbbb since it was made; ask again' });
    expect(decide(request(), approveBy(carol, at(5), { sha: SHA, configHash: 'cfg-other' }))).toMatchObject({ ok: false, code: 'stale' });
    expect(voidIfChanged(request(), { sha: SHA, configHash: 'x' }, at(1))).toMatchObject({ state: 'void', note: 'the configuration changed' });
  });

  it('an approved request is only good for the same sha and config', () => {
    const approved = decide(request(), approveBy(carol));
    if (!approved.ok) throw new Error('expected approval');
    expect(approvalProblem(approved.request, { sha: SHA, configHash: HASH })).toBeUndefined();
    expect(approvalProblem(approved.request, { sha: OTHER_SHA, configHash: HASH })).toContain('the approval is void');
    expect(approvalProblem(request(), { sha: SHA, configHash: HASH })).toBe('the request is pending, not approved');
  });

  it('a decided request stays decided', () => {
    const approved = decide(request(), approveBy(carol));
    if (!approved.ok) throw new Error('expected approval');
    expect(decide(approved.request, { ...approveBy(dave), action: 'reject' })).toMatchObject({ ok: false, code: 'already-decided', message: 'this request is already approved by carol' });
  });
});

describe('decideStored over an ApprovalStore', () => {
  it('two approvers clicking at once: one decision, the other told who decided', async () => {
    const store = new MemoryApprovalStore();
    expect(await store.create(request())).toBe(true);
    expect(await store.create(request())).toBe(false);
    const [first, second] = await Promise.all([
      decideStored(store, 'apr-1', approveBy(carol)),
      decideStored(store, 'apr-1', { ...approveBy(dave), action: 'reject' }),
    ]);
    const results = [first, second];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok);
    const winner = results.find((r) => r.ok);
    const stored = await store.get('apr-1');
    expect(stored?.version).toBe(2);
    expect(stored?.decidedBy?.name).toBe(winner?.request?.decidedBy?.name);
    expect(loser).toMatchObject({ ok: false, code: 'already-decided' });
    expect(loser?.message).toContain(`by ${stored?.decidedBy?.name}`);
  });

  it('a refused click changes nothing in the store', async () => {
    const store = new MemoryApprovalStore();
    await store.create(request());
    expect(await decideStored(store, 'apr-1', approveBy(alice))).toMatchObject({ ok: false, code: 'self-approval' });
    expect(await decideStored(store, 'apr-1', approveBy(carol, at(90)))).toMatchObject({ ok: false, code: 'expired' });
    expect(await store.get('apr-1')).toEqual(request());
    expect(await decideStored(store, 'nope', approveBy(carol))).toMatchObject({ ok: false, code: 'not-found' });
  });

  it('a sweep records expiry', async () => {
    const store = new MemoryApprovalStore();
    await store.create(request());
    const stored = (await store.get('apr-1'))!;
    expect(await expireStored(store, stored, at(59))).toEqual({ request: stored, expired: false });
    expect(await expireStored(store, stored, at(61))).toMatchObject({ request: { state: 'expired', version: 2 }, expired: true });
    expect(await expireStored(store, stored, at(61))).toMatchObject({ request: { state: 'expired', version: 2 }, expired: false });
    expect((await store.get('apr-1'))?.state).toBe('expired');
  });
});
