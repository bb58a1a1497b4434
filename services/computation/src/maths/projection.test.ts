import { projectionInput, type ProjectionInput } from '@meridian/contracts';
import { describe, expect, it } from 'vitest';
import { projectionProblem, runProjection } from './projection.js';

const input = (over: Record<string, unknown>): ProjectionInput =>
  projectionInput.parse({ currentValue: 100_000, monthlyContribution: 500, years: 30, returns: { kind: 'normal', expectedReturn: 0.06, volatility: 0.15 }, ...over });

/** Closed form: V·gⁿ + c·(gⁿ − 1)/(g − 1), contributions at each month end. */
function compound(value: number, contribution: number, annual: number, months: number): number {
  const g = Math.pow(1 + annual, 1 / 12);
  return value * g ** months + (contribution * (g ** months - 1)) / (g - 1);
}

describe('Monte Carlo projection', () => {
  it('equals the deterministic compound value on every path when volatility is zero', () => {
    const r = runProjection(input({ returns: { kind: 'normal', expectedReturn: 0.07, volatility: 0 }, paths: 200 }));
    for (const year of [0, 1, 10, 30]) {
      const expected = compound(100_000, 500, 0.07, year * 12);
      for (const band of Object.values(r.bands)) expect(band[year]).toBeCloseTo(expected, 6);
    }
  });

  it('deflates by inflation: a return equal to inflation keeps the real value of a lump sum', () => {
    const r = runProjection(input({ monthlyContribution: 0, inflation: 0.03, returns: { kind: 'normal', expectedReturn: 0.03, volatility: 0 }, paths: 10 }));
    expect(r.bands.p50[30]).toBeCloseTo(100_000, 6);
  });

  it('keeps the percentile bands ordered p5 ≤ p25 ≤ p50 ≤ p75 ≤ p95 every year', () => {
    const r = runProjection(input({ paths: 2_000 }));
    expect(r.years).toHaveLength(31);
    for (let y = 0; y <= 30; y++) {
      const { p5, p25, p50, p75, p95 } = r.bands;
      expect(p5[y]!).toBeLessThanOrEqual(p25[y]!);
      expect(p25[y]!).toBeLessThanOrEqual(p50[y]!);
      expect(p50[y]!).toBeLessThanOrEqual(p75[y]!);
      expect(p75[y]!).toBeLessThanOrEqual(p95[y]!);
    }
    expect(r.bands.p95[30]! - r.bands.p5[30]!).toBeGreaterThan(r.bands.p95[5]! - r.bands.p5[5]!);
  });

  it('is reproducible for a seed and differs for another seed', () => {
    const a = runProjection(input({ paths: 500, seed: 42 }));
    const b = runProjection(input({ paths: 500, seed: 42 }));
    const c = runProjection(input({ paths: 500, seed: 43 }));
    expect(a).toEqual(b);
    expect(c.bands.p50[30]).not.toBe(a.bands.p50[30]);
  });

  it('has a median near the lognormal median of the compound growth', () => {
    // One lump sum, no contributions: median final = V·exp(n·μ_log) with μ_log = ln(1+m) − σ²/2.
    const r = runProjection(input({ monthlyContribution: 0, paths: 10_000, years: 20 }));
    const s2 = Math.log(1 + 0.15 ** 2 / 1.06 ** 2);
    const median = 100_000 * Math.exp(20 * (Math.log(1.06) - s2 / 2));
    expect(Math.abs(r.bands.p50[20]! / median - 1)).toBeLessThan(0.03);
  });

  it('bootstraps a constant historical series to the deterministic value', () => {
    const monthly = Math.pow(1.05, 1 / 12) - 1;
    const r = runProjection(input({ returns: { kind: 'bootstrap', returns: [monthly, monthly, monthly] }, paths: 50 }));
    expect(r.bands.p5[30]).toBeCloseTo(compound(100_000, 500, 0.05, 360), 4);
  });

  it('resamples daily returns in one-month blocks', () => {
    const daily = Math.pow(1.05, 1 / 252) - 1;
    const r = runProjection(input({ monthlyContribution: 0, returns: { kind: 'bootstrap', returns: Array(100).fill(daily), periodsPerYear: 252 }, paths: 10, years: 1 }));
    // 12 blocks of 21 trading days = 252 days = one year at 5 %.
    expect(r.bands.p50[1]).toBeCloseTo(105_000, 4);
  });

  it('counts success as never running out when withdrawing, and reports depletion', () => {
    const safe = runProjection(input({ monthlyContribution: 0, years: 30, returns: { kind: 'normal', expectedReturn: 0.05, volatility: 0 }, withdrawal: { startYear: 0, rate: 0.03 }, paths: 10 }));
    expect(safe.successProbability).toBe(1);
    const broke = runProjection(input({ monthlyContribution: 0, years: 30, returns: { kind: 'normal', expectedReturn: 0, volatility: 0 }, withdrawal: { startYear: 0, annualAmount: 10_000 }, paths: 10 }));
    expect(broke.successProbability).toBe(0);
    expect(broke.depletionProbability).toBe(1);
    expect(broke.bands.p50[10]).toBe(0);
    const risky = runProjection(input({ currentValue: 1_000_000, monthlyContribution: 0, years: 40, withdrawal: { startYear: 0, rate: 0.05 }, paths: 5_000 }));
    expect(risky.successProbability).toBeGreaterThan(0);
    expect(risky.successProbability).toBeLessThan(1);
  });

  it('measures success against a target when there is one, and reports none without a goal', () => {
    const r = runProjection(input({ returns: { kind: 'normal', expectedReturn: 0.07, volatility: 0 }, paths: 10, target: 1_000_000 }));
    expect(r.successProbability).toBe(compound(100_000, 500, 0.07, 360) >= 1_000_000 ? 1 : 0);
    expect(runProjection(input({ paths: 10 })).successProbability).toBeNull();
  });

  it('runs 10,000 paths × 40 years', () => {
    const r = runProjection(input({ paths: 10_000, years: 40 }));
    expect(r.bands.p50).toHaveLength(41);
    expect(r.meanFinal).toBeGreaterThan(r.bands.p50[40]!); // lognormal: mean above median
  });

  it('refuses cross-field problems: too much work, withdrawals after the horizon, a series shorter than a block', () => {
    expect(projectionProblem(input({ paths: 100_000, years: 100 }))).toMatch(/paths × \(years \+ 1\)/);
    expect(projectionProblem(input({ withdrawal: { startYear: 30, rate: 0.04 } }))).toMatch(/startYear/);
    expect(projectionProblem(input({ returns: { kind: 'bootstrap', returns: [0.01], periodsPerYear: 252 } }))).toMatch(/at least 21 returns/);
  });

  it('reports progress that only increases and ends at 1', () => {
    const seen: number[] = [];
    runProjection(input({ paths: 1_000 }), (d) => seen.push(d));
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.at(-1)).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });
});
