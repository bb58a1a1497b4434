import { optimisationInput } from '@meridian/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';
import { estimateCovariance, returnsMatrix } from './covariance.js';
import { optimisationProblem, optimisePortfolio, projectCappedSimplex, runOptimisation, type MeanVariance } from './optimise.js';

function twoAssets(s1: number, s2: number, rho: number, mu: [number, number], maxWeight = 1): MeanVariance {
  const c = rho * s1 * s2;
  return { n: 2, mu: Float64Array.from(mu), cov: Float64Array.from([s1 * s1, c, c, s2 * s2]), maxWeight, riskFreeRate: 0.02 };
}

/** Correlated normal daily returns from a seeded generator. */
function simulated(n: number, periods: number, seed: number): { symbol: string; returns: number[] }[] {
  const rng = createRng(seed);
  const out = Array.from({ length: n }, (_, j) => ({ symbol: `A${j}`, returns: [] as number[] }));
  for (let t = 0; t < periods; t++) {
    const market = rng.normal() * 0.008;
    out.forEach((s, j) => s.returns.push(0.0002 * (j + 1) + market * (0.5 + j / n) + rng.normal() * 0.01 * (1 + j / 2)));
  }
  return out;
}

describe('portfolio optimisation', () => {
  it('finds the two-asset minimum-variance weights of the closed form', () => {
    for (const [s1, s2, rho] of [
      [0.2, 0.3, 0.1],
      [0.15, 0.25, -0.4],
      [0.1, 0.1, 0.5],
    ] as const) {
      const p = twoAssets(s1, s2, rho, [0.08, 0.1]);
      const w1 = (s2 * s2 - rho * s1 * s2) / (s1 * s1 + s2 * s2 - 2 * rho * s1 * s2);
      const { minVar } = optimisePortfolio(p, 5);
      expect(minVar[0]).toBeCloseTo(w1, 7);
      expect(minVar[1]).toBeCloseTo(1 - w1, 7);
    }
  });

  it('finds the two-asset tangency portfolio Σ⁻¹(μ − r_f), normalised', () => {
    const p = twoAssets(0.2, 0.3, 0.2, [0.08, 0.12]);
    const [a, b, , d] = [0.04, 0.2 * 0.2 * 0.3, 0, 0.09];
    const e = [0.08 - 0.02, 0.12 - 0.02];
    const det = a * d - b * b;
    const z = [(d * e[0]! - b * e[1]!) / det, (a * e[1]! - b * e[0]!) / det];
    const w1 = z[0]! / (z[0]! + z[1]!);
    const { maxSharpe } = optimisePortfolio(p, 5);
    expect(maxSharpe[0]).toBeCloseTo(w1, 4);
  });

  it('respects long-only and the weight cap, and fully invests', () => {
    const p = twoAssets(0.1, 0.4, 0, [0.05, 0.2], 0.6);
    const { minVar, maxSharpe, frontier } = optimisePortfolio(p, 10);
    for (const w of [minVar, maxSharpe, ...frontier]) {
      expect(w[0]! + w[1]!).toBeCloseTo(1, 9);
      for (const x of w) {
        expect(x).toBeGreaterThanOrEqual(-1e-12);
        expect(x).toBeLessThanOrEqual(0.6 + 1e-12);
      }
    }
    expect(minVar[0]).toBeCloseTo(0.6, 9); // unconstrained it would be 16/17
  });

  it('traces a frontier whose return and volatility both rise, with the max-Sharpe point not beaten by any', () => {
    const r = runOptimisation(optimisationInput.parse({ assets: simulated(6, 500, 7), frontierPoints: 15, maxWeight: 0.5 }));
    expect(r.frontier).toHaveLength(15);
    for (let k = 1; k < r.frontier.length; k++) {
      expect(r.frontier[k]!.expectedReturn).toBeGreaterThan(r.frontier[k - 1]!.expectedReturn - 1e-9);
      expect(r.frontier[k]!.volatility).toBeGreaterThan(r.frontier[k - 1]!.volatility - 1e-7);
    }
    expect(r.frontier[0]!.volatility).toBeCloseTo(r.minimumVariance.volatility, 8);
    for (const pt of r.frontier) expect(r.maximumSharpe.sharpe!).toBeGreaterThanOrEqual(pt.sharpe! - 1e-6);
    expect(r.shrinkage).toBeGreaterThan(0);
    expect(r.shrinkage).toBeLessThanOrEqual(1);
  });

  it('shrinks harder with fewer observations (Ledoit–Wolf)', () => {
    const short = estimateCovariance(returnsMatrix(simulated(10, 30, 3)), 'ledoit-wolf');
    const long = estimateCovariance(returnsMatrix(simulated(10, 3_000, 3)), 'ledoit-wolf');
    expect(short.shrinkage).toBeGreaterThan(long.shrinkage);
  });

  it('matches the sample covariance (n − 1) without shrinkage', () => {
    const e = estimateCovariance(returnsMatrix([{ symbol: 'A', returns: [0.01, 0.03, -0.01] }, { symbol: 'B', returns: [0.02, 0.02, 0.05] }]), 'none');
    expect(e.cov[0]).toBeCloseTo(0.0004, 12);
    expect(e.cov[1]).toBeCloseTo(-0.0003, 12);
    expect(e.cov[3]).toBeCloseTo(0.0003, 12);
  });

  it('projects any vector onto the capped simplex', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 2, maxLength: 12 }), fc.double({ min: 0.5, max: 1, noNaN: true }), (v, u) => {
        const out = new Float64Array(v.length);
        projectCappedSimplex(Float64Array.from(v), u, out);
        expect(out.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
        for (const x of out) expect(x >= -1e-12 && x <= u + 1e-12).toBe(true);
      }),
    );
  });

  it('refuses mismatched series, duplicate symbols and a cap that cannot invest fully', () => {
    const base = { assets: [{ symbol: 'A', returns: [0.01, 0.02, 0.03] }, { symbol: 'B', returns: [0.01, 0.02] }] };
    expect(optimisationProblem(optimisationInput.parse(base))).toMatch(/same length/);
    expect(optimisationProblem(optimisationInput.parse({ assets: [base.assets[0], base.assets[0]] }))).toMatch(/appears twice/);
    expect(optimisationProblem(optimisationInput.parse({ assets: simulated(3, 10, 1), maxWeight: 0.3 }))).toMatch(/at least 1\/3/);
  });

  it('accepts prices as well as returns', () => {
    const r = runOptimisation(optimisationInput.parse({ assets: [{ symbol: 'A', prices: [100, 101, 99, 102, 103] }, { symbol: 'B', returns: [0.0, 0.01, -0.005, 0.002] }], shrinkage: 'none' }));
    expect(r.observations).toBe(4);
    expect(r.assets[0]!.expectedReturn).toBeCloseTo(252 * ((101 / 100 - 1 + 99 / 101 - 1 + 102 / 99 - 1 + 103 / 102 - 1) / 4), 9);
  });
});
