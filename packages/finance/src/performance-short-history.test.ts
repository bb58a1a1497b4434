import { describe, expect, it } from 'vitest';
import { performance } from './performance.js';
import { risk } from './risk.js';
import { build, series } from './test/fixtures.js';
import { holdingTimeline, provenanceName } from './timeline-views.js';

/*
 * Four days of history: BUY 10 @ 10 on 2024-12-30 (account without cash), closes 10, 11,
 * (no quote on 01-01, carried 11), 12. Values 0, 100, 110, 110, 120.
 * Every long range clamps to the day before the first activity.
 */
const p = build({
  asOf: '2025-01-02',
  accounts: [{ id: 'acc', currency: 'USD', tracksCash: false }],
  activities: [{ date: '2024-12-30', type: 'BUY', symbol: 'S', quantity: '10', unitPrice: '10' }],
  prices: { S: series(['2024-12-30', '10'], ['2024-12-31', '11'], ['2025-01-02', '12']) },
});

describe('short history', () => {
  it('clamps long ranges to the start and does not annualise', () => {
    for (const range of ['MAX', '1Y', '3Y', '5Y'] as const) {
      const r = performance(p, { range });
      expect(r.range.from, range).toBe('2024-12-29');
      expect(r.twr, range).toBeCloseTo(0.2, 12);
      expect(r.annualised, range).toBeNull();
    }
  });

  it('measures YTD, 1D and the previous calendar year', () => {
    expect(performance(p, { range: 'YTD' }).twr).toBeCloseTo(120 / 110 - 1, 12);
    expect(performance(p, { range: '1D' }).twr).toBeCloseTo(120 / 110 - 1, 12);
    const y2024 = performance(p, { range: { year: 2024 } });
    expect(y2024.range).toMatchObject({ from: '2024-12-29', to: '2024-12-31' });
    expect(y2024.twr).toBeCloseTo(0.1, 12);
  });

  it('marks the carried price of the holiday', () => {
    const t = holdingTimeline(p, 'S');
    expect(Array.from(t.provenance, provenanceName)).toEqual(['none', 'exact', 'exact', 'carried', 'exact']);
  });

  it('still computes risk figures on a handful of returns', () => {
    const k = risk(p);
    expect(k.volatility).not.toBeNull();
    expect(k.drawdown.maxDrawdown).toBe(0);
  });
});
