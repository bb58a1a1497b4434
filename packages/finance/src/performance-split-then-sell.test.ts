import { describe, expect, it } from 'vitest';
import { attribution } from './attribution.js';
import { holdingTimeline } from './timeline-views.js';
import { performance } from './performance.js';
import { realisedGains } from './realised-gains.js';
import { build, series } from './test/fixtures.js';

/*
 * Prices as quoted at the time (not split-adjusted). Account tracks cash.
 *
 *   06-03 DEPOSIT 2000; BUY 10 Y @ 100     cash 1000, Y 1000         value 2000
 *   06-04 close 110                        Y 10 × 110 = 1100         value 2100
 *   06-05 SPLIT 2:1, close 56              Y 20 × 56 = 1120          value 2120
 *   06-06 SELL 20 @ 60, fee 2              cash 1000 + 1198          value 2198
 *
 * No jump on the split day: 2120/2100 − 1 = +0.95%. TWR = 2198/2000 − 1 = 9.9%.
 * Realised: 1198 − 1000 = 198 on 20 shares acquired 06-03 (the split keeps the date).
 * Attribution: price 10×10 (06-04) + 20 × (56 − 110/2) (06-05) + 20 × 4 (06-06) = 200,
 * fees 2 → 198.
 */
const p = build({
  asOf: '2024-06-06',
  instruments: [{ symbol: 'Y', currency: 'USD' }],
  activities: [
    { date: '2024-06-03', type: 'DEPOSIT', amount: '2000' },
    { date: '2024-06-03', type: 'BUY', symbol: 'Y', quantity: '10', unitPrice: '100' },
    { date: '2024-06-05', type: 'SPLIT', symbol: 'Y', ratio: '2:1' },
    { date: '2024-06-06', type: 'SELL', symbol: 'Y', quantity: '20', unitPrice: '60', fee: '2' },
  ],
  prices: { Y: series(['2024-06-03', '100'], ['2024-06-04', '110'], ['2024-06-05', '56'], ['2024-06-06', '60']) },
});

describe('split then sell', () => {
  it('values the split day with the new quantity at the new price', () => {
    const t = holdingTimeline(p, 'Y');
    expect(Array.from(t.quantity)).toEqual([0, 10, 10, 20, 0]);
    const r = performance(p);
    expect(r.series.map((s) => s.value)).toEqual([0, 2000, 2100, 2120, 2198]);
    expect(r.series[3]!.twrIndex / r.series[2]!.twrIndex - 1).toBeCloseTo(2120 / 2100 - 1, 12);
    expect(r.twr).toBeCloseTo(0.099, 12);
  });

  it('realises the gain on the split lot with its original date', () => {
    const [entry] = realisedGains(p).years[0]!.entries;
    expect(entry).toMatchObject({ acquired: '2024-06-03', sold: '2024-06-06', quantity: '20', proceeds: '1198', cost: '1000', gain: '198' });
  });

  it('attributes the split day to price, not to a loss', () => {
    const a = attribution(p);
    expect(a.total.priceGain).toBeCloseTo(200, 9);
    expect(a.total.fees).toBeCloseTo(2, 12);
    expect(a.total.total).toBeCloseTo(198, 9);
  });

  it('handles a reverse split that leaves a fraction', () => {
    const q = build({
      asOf: '2024-06-06',
      accounts: [{ id: 'acc', currency: 'USD', tracksCash: false }],
      activities: [
        { date: '2024-06-03', type: 'BUY', symbol: 'Y', quantity: '25', unitPrice: '2' },
        { date: '2024-06-05', type: 'SPLIT', symbol: 'Y', ratio: '1:10' },
        { date: '2024-06-06', type: 'SELL', symbol: 'Y', quantity: '2.5', unitPrice: '24' },
      ],
      prices: { Y: series(['2024-06-04', '2'], ['2024-06-05', '20'], ['2024-06-06', '24']) },
    });
    expect(Array.from(holdingTimeline(q, 'Y').quantity)).toEqual([0, 25, 25, 2.5, 0]);
    // 25 × 2 = 50 in, 2.5 × 24 = 60 out, nothing left: +20%.
    expect(performance(q).twr).toBeCloseTo(0.2, 12);
    expect(realisedGains(q).years[0]!.gain).toBe('10');
  });
});
