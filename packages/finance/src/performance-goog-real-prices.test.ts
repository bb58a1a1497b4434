import { describe, expect, it } from 'vitest';
import { parseDate } from './dates.js';
import { performance, performanceByYear } from './performance.js';
import { compareWithBenchmark, risk } from './risk.js';
import { build, googCloses } from './test/fixtures.js';

/*
 * Real prices: GOOG daily closes 2004-08-19 … 2013-03-01 (the backtesting.py sample data).
 * Buy 10 shares at the first close and hold: every figure can be checked against the
 * price series alone.
 */
const closes = googCloses();
const first = closes[0]!;
const last = closes[closes.length - 1]!;
const p = build({
  asOf: last[0],
  accounts: [{ id: 'acc', currency: 'USD', tracksCash: false }],
  instruments: [{ symbol: 'GOOG', currency: 'USD', assetClass: 'EQUITY' }],
  activities: [{ date: first[0], type: 'BUY', symbol: 'GOOG', quantity: '10', unitPrice: first[1] }],
  prices: { GOOG: closes },
});

describe('buy and hold on real GOOG prices', () => {
  const ratio = Number(last[1]) / Number(first[1]);

  it('has a TWR and MWR equal to the price ratio', () => {
    const r = performance(p);
    expect(r.twr).toBeCloseTo(ratio - 1, 10);
    expect(r.mwr).toBeCloseTo(ratio - 1, 8);
    const years = (parseDate(last[0]) - parseDate(first[0]) + 1) / 365;
    expect(r.annualised!.twr).toBeCloseTo(Math.pow(ratio, 1 / years) - 1, 10);
    expect(r.absoluteGain).toBeCloseTo(10 * (Number(last[1]) - Number(first[1])), 6);
  });

  it('matches the calendar year return of the closes', () => {
    const close = (d: string): number => Number(closes.filter(([x]) => x <= d).at(-1)![1]);
    expect(performance(p, { range: { year: 2008 } }).twr).toBeCloseTo(close('2008-12-31') / close('2007-12-31') - 1, 10);
  });

  it('finds the 2007–2008 drawdown of the price series', () => {
    let peak = 0;
    let worst = 0;
    for (const [, c] of closes) {
      peak = Math.max(peak, Number(c));
      worst = Math.max(worst, 1 - Number(c) / peak);
    }
    const k = risk(p);
    expect(k.drawdown.maxDrawdown).toBeCloseTo(worst, 12);
    expect(k.drawdown.peak! < '2008-01-01' && k.drawdown.trough! > '2008-01-01').toBe(true);
  });

  it('annualises calendar-day volatility like trading-day volatility × √252', () => {
    const r: number[] = [];
    for (let i = 1; i < closes.length; i++) r.push(Number(closes[i]![1]) / Number(closes[i - 1]![1]) - 1);
    const m = r.reduce((a, b) => a + b, 0) / r.length;
    const tradingDayVol = Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / (r.length - 1)) * Math.sqrt(252);
    const v = risk(p).volatility!;
    expect(Math.abs(v / tradingDayVol - 1)).toBeLessThan(0.03);
  });

  it('chain-links the calendar years into the whole period', () => {
    const years = performanceByYear(p);
    expect(years.map((y) => y.year)).toEqual([2004, 2005, 2006, 2007, 2008, 2009, 2010, 2011, 2012, 2013]);
    expect(years.reduce((acc, y) => acc * (1 + y.twr), 1) - 1).toBeCloseTo(ratio - 1, 9);
    expect(years[0]!.series).toEqual([]);
  });

  it('compares with itself as a benchmark: beta and correlation 1', () => {
    expect(compareWithBenchmark(p, { symbol: 'GOOG' }, { range: '1Y' }).correlation).toBeCloseTo(1, 9);
    const c = compareWithBenchmark(p, closes, { range: '5Y' });
    expect(c.beta).toBeCloseTo(1, 9);
    expect(c.correlation).toBeCloseTo(1, 9);
    expect(c.portfolioReturn).toBeCloseTo(c.benchmarkReturn, 10);
  });
});
