// The ApprovalStore contract, run on the in-memory fake and on Redis alike.
import { describe, expect, it } from 'vitest';
import { decideStored } from '../../src/core/commands/approval-flow.js';
import { createApproval, type ApprovalRequest } from '../../src/core/commands/approval.js';
import type { ApprovalStore } from '../../src/core/ports/approval-store.js';

const NOW = new Date('2026-11-30T10:00:00Z');
const SHA = 'a'.repeat(40);

export function request(id: string): ApprovalRequest {
  return createApproval({
    id, app: 'mary', env: 'production', sha: SHA, configHash: 'c0ffee', operation: 'deploy mary@v1 to production',
    requester: { id: 'U0BOB', name: 'bob' }, approvers: ['alice', 'carol'], expiresMinutes: 60,
  }, NOW);
}

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
  });
}
