import { describe, expect, it } from 'vitest';
import { parseDate } from './dates.js';
import { buildPortfolio } from './portfolio.js';
import { benchmarkIndex, betaCorrelation, compareWithBenchmark, maxDrawdown, risk, sharpe, sortino, standardDeviation, volatility } from './risk.js';
import { materialise, portfolioInput } from './test/generate.js';

describe('risk statistics', () => {
  it('computes sample standard deviation and annualised volatility', () => {
    const r = [0.01, -0.02, 0.03, 0.0, -0.01];
    // mean 0.002; squared deviations 0.000064, 0.000484, 0.000784, 0.000004, 0.000144 → sum 0.00148 / 4
    expect(standardDeviation(r)).toBeCloseTo(Math.sqrt(0.00037), 15);
    expect(volatility(r, 252)).toBeCloseTo(Math.sqrt(0.00037) * Math.sqrt(252), 14);
    expect(volatility([0.01])).toBeNull();
  });

  it('computes Sharpe and Sortino with a risk-free rate', () => {
    const r = [0.01, -0.02, 0.03, 0.0, -0.01];
    const rf = Math.pow(1.05, 1 / 252) - 1;
    expect(sharpe(r, 0.05, 252)).toBeCloseTo(((0.002 - rf) / Math.sqrt(0.00037)) * Math.sqrt(252), 12);
    // Only returns below the target count: -0.02, 0.0 and -0.01 (0.01 and 0.03 contribute 0).
    const down = Math.sqrt(((-0.02 - rf) ** 2 + (0 - rf) ** 2 + (-0.01 - rf) ** 2) / 5);
    expect(sortino(r, 0.05, 252)).toBeCloseTo(((0.002 - rf) / down) * Math.sqrt(252), 12);
    expect(sharpe([0.01, 0.01])).toBeNull();
  });

  it('finds the maximum drawdown, its dates and duration', () => {
    const index = [1, 1.2, 0.9, 1.0, 1.25, 1.1, 1.0];
    const dd = maxDrawdown(index, parseDate('2024-01-01'));
    expect(dd.maxDrawdown).toBeCloseTo(0.25, 15);
    expect(dd.peak).toBe('2024-01-02');
    expect(dd.trough).toBe('2024-01-03');
    expect(dd.recovery).toBe('2024-01-05');
    expect(dd.durationDays).toBe(3);
    // 1.25 on day 4, never regained by day 6: 2 days, shorter than the 3 days from day 1 to day 4.
    expect(dd.longestDrawdownDays).toBe(3);
    expect(maxDrawdown([1, 1.1, 1.2], 0).maxDrawdown).toBe(0);
  });

  it('computes beta and correlation against a benchmark', () => {
    const b = [0.01, -0.02, 0.015, 0.0, 0.005];
    const leveraged = b.map((x) => 2 * x + 0.001);
    const r = betaCorrelation(leveraged, b);
    expect(r.beta).toBeCloseTo(2, 12);
    expect(r.correlation).toBeCloseTo(1, 12);
    expect(betaCorrelation(b.map((x) => -x), b).correlation).toBeCloseTo(-1, 12);
  });

  it('indexes a benchmark price series to 1 on the base day, carrying prices over gaps', () => {
    const idx = benchmarkIndex(
      [
        ['2024-01-01', '50'],
        ['2024-01-03', '55'],
      ],
      parseDate('2024-01-01'),
      parseDate('2024-01-04'),
    );
    expect(Array.from(idx)).toEqual([1, 1, 1.1, 1.1]);
  });
});

describe('risk of a portfolio', () => {
  it('measures filtered parts against a benchmark from the market data', () => {
    const { activities } = materialise(
      Array.from({ length: 30 }, (_, i) => ({ day: i, kind: 'BUY' as const, account: i % 3, other: 0, symbol: i % 3, units: 1 + (i % 5), cents: 1000 + i })),
    );
    const p = buildPortfolio(portfolioInput(activities));
    const k = risk(p, { filter: { assetClasses: ['EQUITY'] }, benchmark: { symbol: 'S1' }, riskFreeRate: 0.03 });
    for (const v of [k.volatility, k.sharpe, k.sortino, k.beta, k.correlation]) expect(Number.isFinite(v)).toBe(true);
    expect(k.drawdown.maxDrawdown).toBeGreaterThanOrEqual(0);
    expect(() => compareWithBenchmark(p, { symbol: 'NOPE' })).toThrow(RangeError);
  });
});
