// The ApprovalStore contract, run on the in-memory fake and on Redis alike.
import { describe, expect, it } from 'vitest';
import { decideStored, expireStored } from '../../src/core/commands/approval-flow.js';
import { createApproval, type ApprovalRequest } from '../../src/core/commands/approval.js';
import { FOLLOW_UP_LEASE_MS, type ApprovalStore } from '../../src/core/ports/approval-store.js';

const NOW = new Date('2026-11-30T10:00:00Z');
const SHA = 'a'.repeat(40);

export function request(id: string, now = NOW, expiresMinutes = 60): ApprovalRequest {
  return createApproval({
    id, app: 'mary', env: 'production', sha: SHA, configHash: 'c0ffee', operation: 'deploy mary@v1 to production',
    requester: { id: 'U0BOB', name: 'bob' }, approvers: [{ id: 'U0ALICE', name: 'alice' }, { id: 'U0CAROL', name: 'carol' }], expiresMinutes,
  }, now);
}

const minutes = (from: Date, n: number): Date => new Date(from.getTime() + n * 60_000);
const ids = (requests: readonly ApprovalRequest[]): string[] => requests.map((r) => r.id);

const click = (name: string) => ({ action: 'approve' as const, by: { id: `U0${name.toUpperCase()}`, name, teams: [] }, at: NOW, current: { sha: SHA, configHash: 'c0ffee' } });

/** `open()` gives another client of the same store (another bot process). */
export function approvalStoreContract(name: string, open: () => ApprovalStore): void {
  describe.concurrent(`ApprovalStore contract: ${name}`, () => {
    it('creates once and reads back what was stored', async () => {
      const store = open();
      const r = request(`r-${Math.random()}`);
      expect(await store.create(r)).toBe(true);
      expect(await open().create({ ...r, operation: 'other' })).toBe(false);
      expect(await open().get(r.id)).toEqual(r);
      expect(await store.get('never-made')).toBeUndefined();
    });

    it('sets only on the expected version and otherwise returns what is stored', async () => {
      const store = open();
      const r = request(`r-${Math.random()}`);
      await store.create(r);
      const next = { ...r, state: 'rejected' as const, version: 2 };
      expect(await store.compareAndSet(r.id, 1, next)).toEqual({ ok: true });
      expect(await open().compareAndSet(r.id, 1, { ...r, version: 2 })).toEqual({ ok: false, current: next });
      expect(await store.compareAndSet('never-made', 1, next)).toEqual({ ok: false, current: undefined });
      expect(await store.get(r.id)).toEqual(next);
    });

    it('gives one decision to two approvers at once; the other is told who decided', async () => {
      const r = request(`r-${Math.random()}`);
      await open().create(r);
      const [a, b] = await Promise.all([decideStored(open(), r.id, click('alice')), decideStored(open(), r.id, click('carol'))]);
      const won = [a, b].filter((d) => d.ok);
      expect(won).toHaveLength(1);
      const winner = won[0]!.ok ? won[0]!.request.decidedBy?.name : undefined;
      const lost = [a, b].find((d) => !d.ok);
      expect(lost).toMatchObject({ ok: false, code: 'already-decided', message: `this request is already approved by ${winner}` });
      expect((await open().get(r.id))?.version).toBe(2);
    });

    // The store is shared by the concurrent tests: each test lists around its own times (years
    // before the other tests' requests, which expire on NOW + 60 min).
    it('lists pending requests due by a time, soonest expiry first, at most `limit`; decided ones leave the list', async () => {
      const store = open();
      const t0 = new Date('2001-01-01T00:00:00Z');
      const tag = Math.random();
      const [a, b, c, d] = [[30, 'a'], [10, 'b'], [60, 'c'], [20, 'd']].map(([m, n]) => request(`${n}-${tag}`, t0, Number(m)));
      for (const r of [a!, b!, c!, d!]) expect(await store.create(r)).toBe(true);
      expect(ids(await open().listPending({ expiringBy: minutes(t0, 30) }))).toEqual([b!.id, d!.id, a!.id]);
      const rejected = { ...d!, state: 'rejected' as const, version: 2 };
      expect(await open().compareAndSet(d!.id, 1, rejected)).toEqual({ ok: true });
      expect(await store.listPending({ expiringBy: minutes(t0, 30) })).toEqual([b, a]);
      expect(ids(await open().listPending({ expiringBy: minutes(t0, 30), limit: 1 }))).toEqual([b!.id]);
      expect(ids(await store.listPending({ expiringBy: minutes(t0, 10) }))).toEqual([b!.id]);
      expect(await store.listPending({ expiringBy: minutes(t0, 9) })).toEqual([]);
      expect(ids(await open().listPending({ limit: 1_000 })).filter((id) => id.endsWith(`-${tag}`))).toEqual([b!.id, a!.id, c!.id]);
    });

    it('keeps a request listed while a write leaves it pending, with its expiry as written', async () => {
      const store = open();
      const t0 = new Date('2002-01-01T00:00:00Z');
      const r = request(`r-${Math.random()}`, t0, 30);
      await store.create(r);
      const later = { ...r, expiresAt: minutes(t0, 90).toISOString(), version: 2 };
      expect(await open().compareAndSet(r.id, 1, later)).toEqual({ ok: true });
      expect(ids(await store.listPending({ expiringBy: minutes(t0, 60) }))).not.toContain(r.id);
      expect(await open().listPending({ expiringBy: minutes(t0, 90) })).toContainEqual(later);
    });

    it('records one expiry when two sweeps expire the same request at once', async () => {
      const t0 = new Date('2003-01-01T00:00:00Z');
      const r = request(`r-${Math.random()}`, t0, 60);
      await open().create(r);
      const due = (await open().listPending({ expiringBy: minutes(t0, 61) })).filter((p) => p.id === r.id);
      expect(due).toEqual([r]);
      const results = await Promise.all([expireStored(open(), r, minutes(t0, 61)), expireStored(open(), r, minutes(t0, 61))]);
      expect(results.filter((x) => x.expired)).toHaveLength(1);
      for (const x of results) expect(x.request).toMatchObject({ state: 'expired', version: 2 });
      expect(await open().get(r.id)).toMatchObject({ state: 'expired', version: 2 });
      expect(ids(await open().listPending({ expiringBy: minutes(t0, 61) }))).not.toContain(r.id);
    });
  
    it('lists a decided request as unsettled once its lease has passed, gives its follow-ups to one claimer, and drops it when settled', async () => {
      const t0 = new Date('2004-01-01T00:00:00Z');
      const r = request(`r-${Math.random()}`, t0, 60);
      await open().create(r);
      const mine = (found: readonly { id: string }[]) => found.filter((x) => x.id === r.id);
      expect(mine(await open().listUnsettled({ dueBy: minutes(t0, 10_000) }))).toEqual([]);
      const decided = await decideStored(open(), r.id, { ...click('alice'), at: minutes(t0, 5) });
      expect(decided.ok).toBe(true);
      const leaseEnds = new Date(minutes(t0, 5).getTime() + FOLLOW_UP_LEASE_MS);
      expect(mine(await open().listUnsettled({ dueBy: new Date(leaseEnds.getTime() - 1) }))).toEqual([]);
      expect(await open().claimFollowUp(r.id, new Date(leaseEnds.getTime() - 1))).toBe(false);
      expect(mine(await open().listUnsettled({ dueBy: leaseEnds }))).toMatchObject([{ id: r.id, state: 'approved', version: 2 }]);

      const claims = await Promise.all([open().claimFollowUp(r.id, leaseEnds), open().claimFollowUp(r.id, leaseEnds)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(mine(await open().listUnsettled({ dueBy: leaseEnds }))).toEqual([]);
      const afterClaimedLease = new Date(leaseEnds.getTime() + FOLLOW_UP_LEASE_MS);
      expect(mine(await open().listUnsettled({ dueBy: afterClaimedLease }))).toHaveLength(1);

      await open().settle(r.id);
      expect(mine(await open().listUnsettled({ dueBy: minutes(t0, 10_000) }))).toEqual([]);
      expect(await open().claimFollowUp(r.id, minutes(t0, 10_000))).toBe(false);
      expect(await open().get(r.id)).toMatchObject({ state: 'approved' });
    });

    it('never lists a pending request as unsettled', async () => {
      const t0 = new Date('2005-01-01T00:00:00Z');
      const r = request(`r-${Math.random()}`, t0, 60);
      await open().create(r);
      await open().compareAndSet(r.id, 1, { ...r, expiresAt: minutes(t0, 90).toISOString(), version: 2 });
      expect((await open().listUnsettled({ dueBy: minutes(t0, 10_000), limit: 1_000 })).map((x) => x.id)).not.toContain(r.id);
    });
  });
}
