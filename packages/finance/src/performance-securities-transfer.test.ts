import { describe, expect, it } from 'vitest';
import { holdings } from './holdings.js';
import { performance } from './performance.js';
import { diagnostics } from './portfolio.js';
import { realisedGains } from './realised-gains.js';
import { build, series } from './test/fixtures.js';

/*
 * Two accounts that do not track cash. A buys 10 Z @ 100 (01-02) and 5 Z @ 120 (01-03),
 * moves 12 to B (01-04, two legs linked by transferId t1), and B sells 11 @ 130 (01-05).
 *
 * FIFO lots move with their dates and costs: B gets 10 @ 100 (01-02) and 2 of the 01-03
 * lot (cost 240); A keeps 3 @ 120 (cost 360). B's sale of 11: proceeds 1430 allocated
 * 10/11 → 1300 − 1000 = 300, 1/11 → 130 − 120 = 10; realised 310.
 *
 * Portfolio value: 0, 1000, 15 × 120 = 1800, 15 × 125 = 1875, A 3 × 130 + B 1 × 130 = 520.
 * Flows: in 1000 (01-02), in 600 (01-03), out 1430 (01-05); the transfer is internal.
 * TWR: 1800/1600 × 1875/1800 × (520 + 1430)/1875 − 1 = 1.125 × 1.041667 × 1.04 − 1 = 21.875%.
 * Gain: 520 − 1600 + 1430 = 350 = realised 310 + unrealised (A 30, B 10).
 * Account B alone: the transfer is an inflow at market (12 × 125 = 1500): TWR
 * (130 + 1430)/1500 − 1 = 4%. Account A: the transfer leaves at market: 21.875% as well.
 */
const p = build({
  asOf: '2024-01-05',
  accounts: [
    { id: 'A', currency: 'USD', tracksCash: false },
    { id: 'B', currency: 'USD', tracksCash: false },
  ],
  instruments: [{ symbol: 'Z', currency: 'USD' }],
  activities: [
    { accountId: 'A', date: '2024-01-02', type: 'BUY', symbol: 'Z', quantity: '10', unitPrice: '100' },
    { accountId: 'A', date: '2024-01-03', type: 'BUY', symbol: 'Z', quantity: '5', unitPrice: '120' },
    { accountId: 'B', date: '2024-01-04', type: 'TRANSFER_IN', symbol: 'Z', quantity: '12', transferId: 't1' },
    { accountId: 'A', date: '2024-01-04', type: 'TRANSFER_OUT', symbol: 'Z', quantity: '12', transferId: 't1' },
    { accountId: 'B', date: '2024-01-05', type: 'SELL', symbol: 'Z', quantity: '11', unitPrice: '130' },
  ],
  prices: { Z: series(['2024-01-02', '100'], ['2024-01-03', '120'], ['2024-01-04', '125'], ['2024-01-05', '130']) },
});

describe('securities transfer between own accounts', () => {
  it('moves lots with their acquisition dates and cost basis', () => {
    const entries = realisedGains(p).years[0]!.entries;
    expect(entries.map((e) => [e.accountId, e.acquired, e.quantity, e.proceeds, e.cost, e.gain])).toEqual([
      ['B', '2024-01-02', '10', '1300', '1000', '300'],
      ['B', '2024-01-03', '1', '130', '120', '10'],
    ]);
    const h = holdings(p);
    const byAccount = Object.fromEntries(h.accounts.map((a) => [a.accountId, a.holdings[0]!]));
    expect(byAccount.A).toMatchObject({ quantity: '3', costBasis: '360', value: '390', unrealisedGain: '30' });
    expect(byAccount.B).toMatchObject({ quantity: '1', costBasis: '120', value: '130', unrealisedGain: '10', realisedGain: '310' });
    expect(h.total.holdings[0]).toMatchObject({ quantity: '4', realisedGain: '310', unrealisedGain: '40' });
  });

  it('is not a flow for the portfolio', () => {
    const r = performance(p);
    expect(r.series.map((s) => s.value)).toEqual([0, 1000, 1800, 1875, 520]);
    expect(r.inflows).toBe(1600);
    expect(r.outflows).toBe(1430);
    expect(r.twr).toBeCloseTo(0.21875, 12);
    expect(r.absoluteGain).toBeCloseTo(350, 9);
  });

  it('is a flow at market value for each account', () => {
    const b = performance(p, { filter: { accounts: ['B'] } });
    expect(b.inflows).toBe(1500);
    expect(b.twr).toBeCloseTo(0.04, 12);
    const a = performance(p, { filter: { accounts: ['A'] } });
    expect(a.outflows).toBe(1500);
    expect(a.twr).toBeCloseTo(0.21875, 12);
    expect(a.absoluteGain + b.absoluteGain).toBeCloseTo(350, 9);
  });

  it('treats a leg without its partner as leaving the portfolio and says so', () => {
    const q = build({
      asOf: '2024-01-05',
      accounts: [{ id: 'A', currency: 'USD', tracksCash: false }],
      activities: [
        { accountId: 'A', date: '2024-01-02', type: 'BUY', symbol: 'Z', quantity: '10', unitPrice: '100' },
        { accountId: 'A', date: '2024-01-04', type: 'TRANSFER_OUT', symbol: 'Z', quantity: '4', transferId: 'lost' },
      ],
      prices: { Z: series(['2024-01-02', '100'], ['2024-01-04', '125'], ['2024-01-05', '130']) },
    });
    expect(diagnostics(q).map((d) => d.code)).toEqual(['UNPAIRED_TRANSFER']);
    const r = performance(q);
    expect(r.outflows).toBe(500);
    expect(r.twr).toBeCloseTo(1.3 - 1, 12);
    expect(holdings(q).total.holdings[0]).toMatchObject({ quantity: '6', costBasis: '600', realisedGain: '0' });
  });
});
