import { describe, expect, it } from 'vitest';
import { chainLink, dailyReturns, modifiedDietz, performance } from './performance.js';
import { build, series } from './test/fixtures.js';

const f = (...x: number[]): Float64Array => Float64Array.from(x);

describe('time-weighted return convention', () => {
  it('lets money put in during a day earn that day and money taken out leave at its end', () => {
    // Day 1: 100 at the start, +50 put in, ends at 165: (165 + 0) / (100 + 50) − 1 = 10%.
    // Day 2: ends at 99 after 66 were taken out: (99 + 66) / 165 − 1 = 0%.
    const r = dailyReturns(f(100, 165, 99), f(0, 50, 0), f(0, 0, 66));
    expect(r[1]).toBeCloseTo(0.1, 15);
    expect(r[2]).toBeCloseTo(0, 15);
    expect(Array.from(chainLink(f(0, 0.1, -0.5)))).toEqual([1, 1.1, 0.55]);
  });

  it('weights Modified Dietz flows by the time they were invested', () => {
    // T = 4: inflow on day 1 counts 4/4, outflow on day 2 counts 2/4.
    // gain = 130 − 100 − 40 + 20 = 10; capital = 100 + 40 − 10 = 130.
    expect(modifiedDietz(f(100, 140, 120, 125, 130), f(0, 40, 0, 0, 0), f(0, 0, 20, 0, 0))).toBeCloseTo(10 / 130, 15);
    expect(modifiedDietz(f(0, 0), f(0, 0), f(0, 0))).toBeNull();
  });

  it('treats income and fees as performance, deposits and withdrawals as flows', () => {
    const p = build({
      asOf: '2024-01-04',
      activities: [
        { date: '2024-01-02', type: 'DEPOSIT', amount: '1000' },
        { date: '2024-01-03', type: 'INTEREST', amount: '10' },
        { date: '2024-01-04', type: 'WITHDRAWAL', amount: '505' },
      ],
    });
    const r = performance(p);
    // 1000 → 1010 (+1%) → 505 + 505 out = 1010 (0%).
    expect(r.twr).toBeCloseTo(0.01, 15);
    expect(r.series.map((s) => [s.value, s.netContribution])).toEqual([
      [0, 0],
      [1000, 1000],
      [1010, 1000],
      [505, 495],
    ]);
  });

  it('annualises only periods longer than a year', () => {
    const p = build({
      asOf: '2024-12-31',
      accounts: [{ id: 'acc', currency: 'USD', tracksCash: false }],
      activities: [{ date: '2022-12-31', type: 'BUY', symbol: 'A', quantity: '1', unitPrice: '100' }],
      prices: { A: series(['2022-12-31', '100'], ['2023-12-31', '110'], ['2024-12-31', '121']) },
    });
    expect(performance(p, { range: { year: 2024 } }).annualised).toBeNull();
    const all = performance(p);
    expect(all.twr).toBeCloseTo(0.21, 12);
    // The period runs 732 days from its base (the day before the purchase); the money was
    // invested for 731 of them, which is what XIRR sees.
    expect(all.annualised!.twr).toBeCloseTo(Math.pow(1.21, 365 / 732) - 1, 12);
    expect(all.annualised!.mwr).toBeCloseTo(Math.pow(1.21, 365 / 731) - 1, 8);
  });
});
