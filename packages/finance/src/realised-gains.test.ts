import { describe, expect, it } from 'vitest';
import { realisedGains } from './realised-gains.js';
import { build, series } from './test/fixtures.js';

const activities = [
  { date: '2022-05-10', type: 'BUY', symbol: 'A', quantity: '10', unitPrice: '10', fee: '2' },
  { date: '2023-03-01', type: 'BUY', symbol: 'A', quantity: '10', unitPrice: '20' },
  { date: '2023-04-05', type: 'SELL', symbol: 'A', quantity: '4', unitPrice: '25', fee: '1' },
  { date: '2023-05-11', type: 'SELL', symbol: 'A', quantity: '10', unitPrice: '30' },
] as const;

describe('realised gains', () => {
  it('reports FIFO lots per calendar tax year with short and long term', () => {
    const p = build({ asOf: '2023-12-31', accounts: [{ id: 'acc', currency: 'USD', tracksCash: false }], activities: [...activities] });
    const [y] = realisedGains(p).years;
    // Sale 1: 4 of the 2022 lot (cost 102 for 10 → 40.8), proceeds 99 → +58.2 (short: < 1 year).
    // Sale 2: 6 left of the 2022 lot (61.2) → proceeds 180, +118.8 (long: 2022-05-10 → 2023-05-11);
    //         4 of the 2023 lot (80) → proceeds 120, +40 (short).
    expect(y).toMatchObject({ taxYear: '2023', from: '2023-01-01', to: '2023-12-31', proceeds: '399', cost: '182', gain: '217' });
    expect(y!.longTermGain).toBe('118.8');
    expect(y!.shortTermGain).toBe('98.2');
    expect(y!.entries.map((e) => [e.acquired, e.sold, e.quantity, e.gain, e.longTerm])).toEqual([
      ['2022-05-10', '2023-04-05', '4', '58.2', false],
      ['2022-05-10', '2023-05-11', '6', '118.8', true],
      ['2023-03-01', '2023-05-11', '4', '40', false],
    ]);
  });

  it('splits the UK tax year on 6 April', () => {
    const p = build({ asOf: '2023-12-31', accounts: [{ id: 'acc', currency: 'USD', tracksCash: false }], activities: [...activities] });
    const years = realisedGains(p, { taxYearStart: '04-06' }).years;
    expect(years.map((y) => [y.taxYear, y.from, y.to, y.gain])).toEqual([
      ['2022/23', '2022-04-06', '2023-04-05', '58.2'],
      ['2023/24', '2023-04-06', '2024-04-05', '158.8'],
    ]);
  });

  it('uses the average cost of the pool under AVERAGE', () => {
    const p = build({
      asOf: '2023-12-31',
      accounts: [{ id: 'acc', currency: 'USD', tracksCash: false, costBasis: 'AVERAGE' }],
      activities: [...activities],
    });
    const [y] = realisedGains(p).years;
    // Pool after both buys: 20 shares for 302. Sale 1: 4 × 15.1 = 60.4 → 99 − 60.4 = 38.6.
    // Pool 16 for 241.6; sale 2: 10 × 15.1 = 151 → 300 − 151 = 149.
    expect(y!.entries.map((e) => [e.cost, e.gain, e.method])).toEqual([
      ['60.4', '38.6', 'AVERAGE'],
      ['151', '149', 'AVERAGE'],
    ]);
  });

  it('converts cost and proceeds at their own FX rates', () => {
    const p = build({
      base: 'EUR',
      asOf: '2023-12-31',
      accounts: [{ id: 'acc', currency: 'USD', tracksCash: false }],
      instruments: [{ symbol: 'A', currency: 'USD' }],
      activities: [
        { date: '2023-01-02', type: 'BUY', symbol: 'A', quantity: '1', unitPrice: '100' },
        { date: '2023-06-01', type: 'SELL', symbol: 'A', quantity: '1', unitPrice: '100' },
      ],
      fx: { USD: series(['2023-01-02', '0.95'], ['2023-06-01', '0.9']) },
    });
    const e = realisedGains(p).years[0]!.entries[0]!;
    expect([e.gain, e.costBase, e.proceedsBase, e.gainBase]).toEqual(['0', '95', '90', '-5']);
  });

  it('filters by account and symbol', () => {
    const p = build({ asOf: '2023-12-31', accounts: [{ id: 'acc', currency: 'USD', tracksCash: false }], activities: [...activities] });
    expect(realisedGains(p, { accounts: ['other'] }).years).toEqual([]);
    expect(realisedGains(p, { symbols: ['A'] }).years).toHaveLength(1);
  });
});
