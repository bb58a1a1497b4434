import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attribution } from './attribution.js';
import { ZERO } from './decimal.js';
import { holdings } from './holdings.js';
import { performance } from './performance.js';
import { applyChanges, buildPortfolio, diagnostics, positionHistories } from './portfolio.js';
import { realisedGains } from './realised-gains.js';
import type { Portfolio } from './state.js';
import { intentArb, materialise, portfolioInput, INSTRUMENTS } from './test/generate.js';
import type { Activity } from './types.js';

const RUNS = Number(process.env.FINANCE_PROPERTY_RUNS ?? 200);

/** Everything the engine exposes, for exact comparison of two portfolios. */
function snapshot(p: Portfolio): unknown {
  const segments: Record<string, [number[], number[]]> = {};
  for (const s of p.segments) {
    if (s.value.some((v) => v !== 0) || s.quantity.some((v) => v !== 0)) segments[s.key] = [Array.from(s.quantity), Array.from(s.value)];
  }
  const prices: Record<string, [number[], number[]]> = {};
  for (const [symbol, t] of p.prices) prices[symbol] = [Array.from(t.price), Array.from(t.provenance)];
  return {
    startDay: p.startDay,
    length: p.length,
    total: Array.from(p.total),
    segments,
    prices,
    holdings: holdings(p),
    realised: realisedGains(p),
    diagnostics: diagnostics(p),
    performance: performance(p),
    accountC: performance(p, { filter: { accounts: ['C'] }, range: 'MTD' }),
    equities: performance(p, { filter: { assetClasses: ['EQUITY'] } }),
    attribution: attribution(p),
  };
}

describe('invariants (property-based)', () => {
  it('conserves quantities, cash and cost basis exactly', () => {
    fc.assert(
      fc.property(fc.array(intentArb, { minLength: 1, maxLength: 60, size: 'max' }), (intents) => {
        const { activities, expected } = materialise(intents);
        if (activities.length === 0) return;
        const p = buildPortfolio(portfolioInput(activities));
        const h = holdings(p);
        for (const acc of h.accounts) {
          for (const x of acc.holdings) {
            expect(x.quantity, `${acc.accountId} ${x.symbol}`).toBe((expected.quantity.get(`${acc.accountId}|${x.symbol}`) ?? ZERO).toString());
          }
          for (const c of acc.cash) {
            expect(c.balance, `${acc.accountId} ${c.currency}`).toBe((expected.cash.get(`${acc.accountId}|${c.currency}`) ?? ZERO).toString());
          }
        }
        for (const [k, q] of expected.quantity) {
          const [accountId, symbol] = k.split('|');
          const shown = h.accounts.find((a) => a.accountId === accountId)?.holdings.find((x) => x.symbol === symbol)?.quantity ?? '0';
          expect(shown, k).toBe(q.toString());
        }
        // Cost that went in = cost still open + cost realised, per instrument.
        const histories = positionHistories(p);
        for (const { symbol } of INSTRUMENTS) {
          let open = ZERO;
          for (const h of histories.values()) if (h.symbol === symbol && h.cost.length > 0) open = open.add(h.cost[h.cost.length - 1]!);
          let realised = ZERO;
          for (const r of p.ledgers.get(`I:${symbol}`)?.realised ?? []) realised = realised.add(r.cost);
          expect(open.add(realised).toString(), symbol).toBe((expected.bought.get(symbol) ?? ZERO).toString());
        }
        expect(diagnostics(p).filter((d) => d.code === 'OVERSELL' || d.code === 'INVALID_ACTIVITY')).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('does not depend on the order of same-day independent activities', () => {
    fc.assert(
      fc.property(fc.array(intentArb, { minLength: 1, maxLength: 50, size: 'max' }), fc.integer(), (intents, seed) => {
        const { activities } = materialise(intents);
        if (activities.length === 0) return;
        // Shuffle within each day, keeping the order of activities about the same instrument
        // (they depend on each other through lots); cash entries commute.
        let x = seed >>> 0 || 1;
        const rand = (): number => {
          x = (x * 1664525 + 1013904223) >>> 0;
          return x / 2 ** 32;
        };
        const byDay = new Map<string, Activity[]>();
        for (const a of activities) byDay.set(a.date, [...(byDay.get(a.date) ?? []), a]);
        const shuffled: Activity[] = [];
        for (const day of [...byDay.keys()].sort()) {
          const queues = new Map<string, Activity[]>();
          for (const a of byDay.get(day)!) {
            const key = a.symbol && a.type !== 'DEPOSIT' && a.type !== 'WITHDRAWAL' ? a.symbol : `cash:${a.id}`;
            queues.set(key, [...(queues.get(key) ?? []), a]);
          }
          const keys = [...queues.keys()];
          while (keys.length > 0) {
            const k = Math.floor(rand() * keys.length);
            const q = queues.get(keys[k]!)!;
            shuffled.push(q.shift()!);
            if (q.length === 0) keys.splice(k, 1);
          }
        }
        const a = buildPortfolio(portfolioInput(activities));
        const b = buildPortfolio(portfolioInput(shuffled));
        expect(holdings(b)).toEqual(holdings(a));
        expect(realisedGains(b)).toEqual(realisedGains(a));
        const pa = performance(a);
        const pb = performance(b);
        for (const k of ['twr', 'absoluteGain', 'inflows', 'outflows'] as const) {
          expect(Math.abs(pb[k] - pa[k])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(pa[k])));
        }
        const sort = (p: Portfolio): string[] => diagnostics(p).map((d) => JSON.stringify(d)).sort();
        expect(sort(b)).toEqual(sort(a));
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same result incrementally as a full recomputation', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), count: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), units: fc.integer({ min: 1, max: 9 }) }),
    );
    fc.assert(
      fc.property(fc.array(intentArb, { minLength: 2, maxLength: 45, size: 'max' }), fc.integer({ min: 0, max: 100 }), fc.array(op, { maxLength: 8, size: 'max' }), (intents, initialShare, ops) => {
        const { activities } = materialise(intents);
        if (activities.length === 0) return;
        const split = Math.floor((activities.length * initialShare) / 100);
        const pending = activities.slice(split);
        // The engine keeps existing activities in place and appends new ones: mirror that.
        const current = new Map<string, { activity: Activity; seq: number }>();
        let nextSeq = 0;
        for (const a of activities.slice(0, split)) current.set(a.id, { activity: a, seq: nextSeq++ });
        const p = buildPortfolio(portfolioInput(activities.slice(0, split)));
        for (const o of ops) {
          if (o.kind === 'add') {
            const batch = pending.splice(0, o.count);
            for (const a of batch) current.set(a.id, { activity: a, seq: nextSeq++ });
            applyChanges(p, { upsert: batch });
          } else if (current.size > 0) {
            const ids = [...current.keys()];
            const id = ids[(o.kind === 'remove' ? o.pick : o.pick) % ids.length]!;
            if (o.kind === 'remove') {
              current.delete(id);
              applyChanges(p, { remove: [id] });
            } else {
              const old = current.get(id)!;
              const changed: Activity = old.activity.quantity
                ? { ...old.activity, quantity: String(o.units) }
                : old.activity.amount
                  ? { ...old.activity, amount: String(o.units) }
                  : { ...old.activity, date: old.activity.date < '2024-01-20' ? '2024-01-25' : '2024-01-03' };
              current.set(id, { activity: changed, seq: old.seq });
              applyChanges(p, { upsert: [changed] });
            }
          }
        }
        if (current.size === 0) return;
        const all = [...current.values()].sort((x, y) => x.seq - y.seq).map((v) => v.activity);
        expect(snapshot(p)).toEqual(snapshot(buildPortfolio(portfolioInput(all))));
      }),
      { numRuns: RUNS },
    );
  });
});
