import type { ActivityType } from '@meridian/contracts';
import { testDatabases } from '@meridian/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityFromRow } from './activities.js';
import { requireOpenAccount } from './accounts.service.js';
import { activitiesOfAccounts } from './activities.repository.js';
import { replay, type LedgerActivity } from './ledger.js';
import { violationsOfChange } from './ledger.service.js';
import { client, day, newUser, startHarness, type Harness } from './test/harness.js';

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Appends to a cash account are checked against the account's kept replay state, not a replay
 * of its history. This drives a random mix of deposits, withdrawals, buys and sells (some
 * refused, some dated before the last day, which must fall back to the full replay) and asks,
 * before each one, what a full replay of the stored history says: the service must agree every
 * time, and the state it keeps must be the full replay's.
 */
describe.each(testDatabases())('ledger checks from kept state (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ kind });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('decides every append as a full replay would, and keeps the full replay state', async () => {
    const user = await newUser(h, 'snapshots');
    const c = client(h, user);
    const accountId = await c.account({ trackCash: true });
    const next = random(20261125);
    let offset = -80;
    const outcomes = { accepted: 0, refused: 0, backdated: 0 };
    for (let i = 0; i < 60; i++) {
      const r = next();
      const backdated = r < 0.15;
      if (backdated) outcomes.backdated++;
      else if (r < 0.6) offset += 1 + Math.floor(next() * 3);
      const date = day(backdated ? offset - 1 - Math.floor(next() * 5) : offset);
      const kindOf = next();
      const body =
        kindOf < 0.3
          ? { accountId, type: 'DEPOSIT', date, amount: String(50 + Math.floor(next() * 450)) }
          : kindOf < 0.5
            ? { accountId, type: 'WITHDRAWAL', date, amount: String(50 + Math.floor(next() * 750)) }
            : kindOf < 0.8
              ? { accountId, type: 'BUY', date, symbol: 'AAPL', quantity: String(1 + Math.floor(next() * 3)), unitPrice: '100' }
              : { accountId, type: 'SELL', date, symbol: 'AAPL', quantity: String(1 + Math.floor(next() * 4)), unitPrice: '100' };
      const account = await requireOpenAccount(h.db, user.userId, accountId);
      const fields: Omit<LedgerActivity, 'id'> = { accountId, type: body.type as ActivityType, date, symbol: body.symbol ?? null, quantity: body.quantity ?? null, unitPrice: body.unitPrice ?? null, amount: body.amount ?? null, fee: '0', tax: '0', currency: 'USD', ratio: null };
      const expected = await violationsOfChange(h.db, user.userId, [account], { add: [{ id: `candidate-${i}`, ...fields }] });
      const res = await c.post('/activities', body);
      if (expected.violations.length === 0) {
        expect(res.status, `${i}: ${JSON.stringify(body)} ${res.text}`).toBe(201);
        outcomes.accepted++;
      } else {
        expect(res.status, `${i}: ${JSON.stringify(body)}`).toBe(422);
        expect(res.json().error.details.reason).toBe(expected.violations[0]?.kind);
        outcomes.refused++;
      }
    }
    // The mix exercised both answers and the fallback.
    expect(outcomes.accepted).toBeGreaterThan(20);
    expect(outcomes.refused).toBeGreaterThan(5);
    expect(outcomes.backdated).toBeGreaterThan(3);

    const kept = await h.db.selectFrom('ledger_snapshots').selectAll().where('account_id', '=', accountId).executeTakeFirstOrThrow();
    const version = await h.db.selectFrom('user_versions').select('version').where('user_id', '=', user.userId).executeTakeFirstOrThrow();
    expect(Number(kept.version)).toBe(Number(version.version));
    const stored = (await activitiesOfAccounts(h.db, user.userId, [accountId])).map(activityFromRow);
    const full = replay(new Map([[accountId, { id: accountId, name: 'Broker', trackCash: true }]]), stored).state;
    const state = (typeof kept.state === 'string' ? JSON.parse(kept.state) : kept.state) as { positions: Record<string, string>; cash: Record<string, { balance: string }> };
    expect(Object.fromEntries(Object.entries(state.positions).map(([k, q]) => [k, Number(q)]))).toEqual(Object.fromEntries([...full.positions].map(([k, q]) => [k, Number(q.toString())])));
    expect(Object.fromEntries(Object.entries(state.cash).map(([k, v]) => [k, Number(v.balance)]))).toEqual(Object.fromEntries([...full.cash].map(([k, v]) => [k, Number(v.balance.toString())])));
  });
});
