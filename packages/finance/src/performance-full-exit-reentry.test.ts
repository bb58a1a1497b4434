import { describe, expect, it } from 'vitest';
import { parseDate } from './dates.js';
import { holdings } from './holdings.js';
import { performance } from './performance.js';
import { realisedGains } from './realised-gains.js';
import { build, series } from './test/fixtures.js';

/*
 * An account that does not track cash: each buy is money put in, each sell money taken out.
 *
 *   03-01 BUY 10 X @ 100      value 1000   in 1000
 *   03-02 close 105           value 1050
 *   03-03 SELL 10 X @ 110     value 0      out 1100
 *   03-04 (nothing held)      value 0
 *   03-05 BUY 5 X @ 100       value 500    in 500
 *   03-06 close 120           value 600
 *
 * Daily returns (r = (V + out) / (V_prev + in) − 1): 0, 5%, 1100/1050 − 1, 0 (no capital),
 * 0, 20%. Chain: 1.05 × 1100/1050 × 1.2 = 1.1 × 1.2 = 1.32 → TWR 32%.
 * Gain: 600 − 0 − (1000 + 500) + 1100 = 200 (100 per round trip).
 * Modified Dietz, T = 6 days from the base 02-29: weights 6/6 for the 03-01 inflow,
 * 3/6 for the 03-03 outflow (leaves at day end), 2/6 for the 03-05 inflow →
 * 200 / (1000 − 550 + 166.67) = 200 / 616.67 = 12/37.
 */
const p = build({
  asOf: '2024-03-06',
  accounts: [{ id: 'acc', currency: 'USD', tracksCash: false }],
  instruments: [{ symbol: 'X', currency: 'USD' }],
  activities: [
    { date: '2024-03-01', type: 'BUY', symbol: 'X', quantity: '10', unitPrice: '100' },
    { date: '2024-03-03', type: 'SELL', symbol: 'X', quantity: '10', unitPrice: '110' },
    { date: '2024-03-05', type: 'BUY', symbol: 'X', quantity: '5', unitPrice: '100' },
  ],
  prices: {
    X: series(['2024-03-01', '100'], ['2024-03-02', '105'], ['2024-03-03', '110'], ['2024-03-04', '108'], ['2024-03-05', '100'], ['2024-03-06', '120']),
  },
});

describe('full exit then re-entry', () => {
  const r = performance(p);

  it('chain-links through the days with nothing held', () => {
    expect(r.series.map((s) => s.value)).toEqual([0, 1000, 1050, 0, 0, 500, 600]);
    expect(r.twr).toBeCloseTo(0.32, 12);
    expect(r.absoluteGain).toBeCloseTo(200, 9);
    expect(r.modifiedDietz).toBeCloseTo(12 / 37, 12);
  });

  it('solves the money-weighted return from the four flows', () => {
    const flows = [
      [parseDate('2024-03-01'), -1000],
      [parseDate('2024-03-03'), 1100],
      [parseDate('2024-03-05'), -500],
      [parseDate('2024-03-06'), 600],
    ] as const;
    const annual = Math.pow(1 + r.mwr!, 365 / 5) - 1; // invested from 03-01 to 03-06
    const npv = flows.reduce((s, [d, a]) => s + a / Math.pow(1 + annual, (d - flows[0][0]) / 365), 0);
    expect(Math.abs(npv)).toBeLessThan(1e-7);
  });

  it('realises the first round trip and holds the second at its own cost', () => {
    const g = realisedGains(p).years[0]!;
    expect(g).toMatchObject({ taxYear: '2024', proceeds: '1100', cost: '1000', gain: '100', shortTermGain: '100', longTermGain: '0' });
    expect(g.entries).toHaveLength(1);
    expect(g.entries[0]).toMatchObject({ acquired: '2024-03-01', sold: '2024-03-03', quantity: '10', holdingDays: 2 });
    const x = holdings(p).total.holdings[0]!;
    expect(x).toMatchObject({ quantity: '5', costBasis: '500', value: '600', unrealisedGain: '100', realisedGain: '100' });
  });

  it('measures the second round trip alone from the day before re-entry', () => {
    const second = performance(p, { range: { from: '2024-03-04', to: '2024-03-06' } });
    expect(second.twr).toBeCloseTo(0.2, 12);
    expect(second.absoluteGain).toBeCloseTo(100, 9);
  });
});
