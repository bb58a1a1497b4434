import { describe, expect, it } from 'vitest';
import { attribution } from './attribution.js';
import { performance } from './performance.js';
import { build } from './test/fixtures.js';

/*
 * Cash-tracking account, base EUR: DEPOSIT 1000 on 01-01, FEE 10 on 01-31 and on 02-29.
 * Value 1000 → 990 → 980. Fees are performance, not flows: daily returns −1% on 01-31 and
 * 980/990 − 1 on 02-29, chain 980/1000 − 1 = −2%. One inflow at the start: MWR and
 * Modified Dietz are −20/1000 = −2% as well.
 */
const p = build({
  base: 'EUR',
  asOf: '2024-03-01',
  accounts: [{ id: 'acc', currency: 'EUR', tracksCash: true }],
  activities: [
    { date: '2024-01-01', type: 'DEPOSIT', amount: '1000' },
    { date: '2024-01-31', type: 'FEE', amount: '10' },
    { date: '2024-02-29', type: 'FEE', amount: '10' },
  ],
});

describe('fees only', () => {
  it('loses exactly the fees', () => {
    const r = performance(p);
    expect(r.twr).toBeCloseTo(-0.02, 12);
    expect(r.mwr).toBeCloseTo(-0.02, 9);
    expect(r.modifiedDietz).toBeCloseTo(-0.02, 12);
    expect(r.absoluteGain).toBeCloseTo(-20, 9);
    expect(r.inflows).toBe(1000);
    expect(r.outflows).toBe(0);
  });

  it('has no return in a month without fees', () => {
    expect(performance(p, { range: 'MTD' }).twr).toBe(0);
    expect(performance(p, { range: { from: '2024-02-01', to: '2024-02-28' } }).twr).toBe(0);
    expect(performance(p, { range: 'YTD' }).twr).toBeCloseTo(-0.02, 12);
  });

  it('attributes everything to fees', () => {
    const a = attribution(p);
    expect(a.cash[0]).toMatchObject({ currency: 'EUR', fees: 20, priceGain: 0, income: 0, currencyEffect: 0, taxes: 0 });
    expect(a.total.total).toBeCloseTo(-20, 12);
  });

  it('treats a fee in an account without cash as money put in and lost', () => {
    const q = build({
      base: 'EUR',
      asOf: '2024-03-01',
      accounts: [{ id: 'acc', currency: 'EUR', tracksCash: false }],
      activities: [{ date: '2024-01-31', type: 'FEE', amount: '10' }],
    });
    const r = performance(q);
    expect(r.inflows).toBe(10);
    expect(r.absoluteGain).toBe(-10);
    // No capital on any day (the 10 put in are gone by the day's end): a time-weighted
    // return has nothing to measure against, so a later investment does not start at −100%.
    expect(r.twr).toBe(0);
    expect(attribution(q).total.fees).toBe(10);
  });
});
