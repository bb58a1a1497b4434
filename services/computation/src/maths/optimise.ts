import { COMPUTATION_LIMITS, type OptimisationInput, type OptimisationResult, type PortfolioPoint } from '@meridian/contracts';
import { estimateCovariance, pricesToReturns, returnsMatrix } from './covariance.js';
import { InputError, noProgress, type ProgressFn } from './progress.js';

/** A mean-variance problem over n assets, annualised: maximise μᵀw − ½·wᵀΣw/t, long-only, w ≤ u, Σw = 1. */
export interface MeanVariance {
  n: number;
  mu: Float64Array;
  cov: Float64Array;
  maxWeight: number;
  riskFreeRate: number;
}

const MAX_ITERATIONS = 20_000;
const TOLERANCE = 1e-12;

/** The cross-field rules of an optimisation, as a message, or null when the input is sound. */
export function optimisationProblem(input: OptimisationInput): string | null {
  if (input.assets.length * input.maxWeight < 1 - 1e-12) {
    return `maxWeight ${input.maxWeight} cannot fully invest ${input.assets.length} assets: it must be at least 1/${input.assets.length}`;
  }
  try {
    returnsMatrix(input.assets.map((a) => ({ symbol: a.symbol, returns: a.returns ?? pricesToReturns(a.prices ?? []) })));
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
  return null;
}

/**
 * Euclidean projection of v onto {w : Σw = 1, 0 ≤ w ≤ u}: w = clip(v − τ, 0, u) with τ
 * found by bisection (the sum is monotone in τ).
 */
export function projectCappedSimplex(v: Float64Array, u: number, out: Float64Array): void {
  const n = v.length;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, v[i]! - u);
    hi = Math.max(hi, v[i]!);
  }
  for (let k = 0; k < 100; k++) {
    const tau = (lo + hi) / 2;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.min(u, Math.max(0, v[i]! - tau));
    if (sum > 1) lo = tau;
    else hi = tau;
    if (hi - lo < 1e-15) break;
  }
  const tau = (lo + hi) / 2;
  for (let i = 0; i < n; i++) out[i] = Math.min(u, Math.max(0, v[i]! - tau));
}

function matVec(a: Float64Array, x: Float64Array, n: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j]! * x[j]!;
    out[i] = s;
  }
}

/** Largest eigenvalue of a symmetric positive semi-definite matrix (power iteration). */
function largestEigenvalue(a: Float64Array, n: number): number {
  let x = new Float64Array(n).fill(1 / Math.sqrt(n));
  let y = new Float64Array(n);
  let lambda = 0;
  for (let k = 0; k < 200; k++) {
    matVec(a, x, n, y);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += y[i]! * y[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    for (let i = 0; i < n; i++) y[i]! /= norm;
    const done = Math.abs(norm - lambda) <= 1e-12 * norm;
    lambda = norm;
    [x, y] = [y, x];
    if (done) break;
  }
  return lambda;
}

/**
 * Solves min ½wᵀΣw − t·μᵀw over the capped simplex by accelerated projected gradient
 * (FISTA with adaptive restart), warm-started from `start`. Convex, so the answer is the
 * global optimum; t = 0 is the minimum-variance portfolio, t → ∞ the maximum return.
 */
export function solveMeanVariance(p: MeanVariance, t: number, start: Float64Array, lipschitz = largestEigenvalue(p.cov, p.n)): Float64Array {
  const { n, mu, cov, maxWeight } = p;
  const step = 1 / Math.max(lipschitz, 1e-300);
  const w = Float64Array.from(start);
  projectCappedSimplex(w, maxWeight, w);
  const y = Float64Array.from(w);
  const grad = new Float64Array(n);
  const next = new Float64Array(n);
  let theta = 1;
  for (let k = 0; k < MAX_ITERATIONS; k++) {
    matVec(cov, y, n, grad);
    for (let i = 0; i < n; i++) next[i] = y[i]! - step * (grad[i]! - t * mu[i]!);
    projectCappedSimplex(next, maxWeight, next);
    let change = 0;
    let restart = 0;
    for (let i = 0; i < n; i++) {
      change = Math.max(change, Math.abs(next[i]! - w[i]!));
      restart += (y[i]! - next[i]!) * (next[i]! - w[i]!);
    }
    const thetaNext = restart > 0 ? 1 : (1 + Math.sqrt(1 + 4 * theta * theta)) / 2;
    const momentum = restart > 0 ? 0 : (theta - 1) / thetaNext;
    for (let i = 0; i < n; i++) y[i] = next[i]! + momentum * (next[i]! - w[i]!);
    theta = thetaNext;
    w.set(next);
    if (change < TOLERANCE) break;
  }
  return w;
}

function stats(p: MeanVariance, w: Float64Array): { expectedReturn: number; volatility: number; sharpe: number | null } {
  const sw = new Float64Array(p.n);
  matVec(p.cov, w, p.n, sw);
  let ret = 0;
  let variance = 0;
  for (let i = 0; i < p.n; i++) {
    ret += p.mu[i]! * w[i]!;
    variance += w[i]! * sw[i]!;
  }
  const volatility = Math.sqrt(Math.max(0, variance));
  return { expectedReturn: ret, volatility, sharpe: volatility > 0 ? (ret - p.riskFreeRate) / volatility : null };
}

/** The highest return the constraints allow: fill the best assets up to the cap (an exact LP solution). */
function maximumReturnWeights(p: MeanVariance): Float64Array {
  const order = Array.from({ length: p.n }, (_, i) => i).sort((a, b) => p.mu[b]! - p.mu[a]!);
  const w = new Float64Array(p.n);
  let left = 1;
  for (const i of order) {
    const take = Math.min(p.maxWeight, left);
    w[i] = take;
    left -= take;
    if (left <= 0) break;
  }
  return w;
}

function point(symbols: readonly string[], p: MeanVariance, w: Float64Array): PortfolioPoint {
  return { weights: symbols.map((symbol, i) => ({ symbol, weight: w[i]! })), ...stats(p, w) };
}

/**
 * Minimum variance, maximum Sharpe and the efficient frontier between the minimum-variance
 * return and the highest attainable return, long-only with a weight cap.
 */
export function optimisePortfolio(p: MeanVariance, frontierPoints: number, onProgress: ProgressFn = noProgress) {
  const lipschitz = largestEigenvalue(p.cov, p.n);
  const equal = new Float64Array(p.n).fill(1 / p.n);
  const solve = (t: number, start: Float64Array) => solveMeanVariance(p, t, start, lipschitz);
  const ret = (w: Float64Array) => stats(p, w).expectedReturn;

  const minVar = solve(0, equal);
  const rMin = ret(minVar);
  const maxRet = maximumReturnWeights(p);
  const rMax = ret(maxRet);
  onProgress(0.1);

  // The frontier portfolio with return r solves the problem for the t where μᵀw(t) = r;
  // μᵀw(t) is non-decreasing in t, so bisect on t.
  let tHigh = 1;
  while (ret(solve(tHigh, maxRet)) < rMax - 1e-9 * Math.max(1, Math.abs(rMax)) && tHigh < 1e8) tHigh *= 4;
  const forReturn = (r: number, start: Float64Array): Float64Array => {
    let lo = 0;
    let hi = tHigh;
    let best = start;
    for (let k = 0; k < 60 && hi - lo > 1e-12 * hi; k++) {
      const mid = (lo + hi) / 2;
      best = solve(mid, best);
      if (ret(best) < r) lo = mid;
      else hi = mid;
    }
    return solve(hi, best);
  };

  const frontier: Float64Array[] = [];
  let warm = minVar;
  for (let k = 0; k < frontierPoints; k++) {
    const r = rMin + ((rMax - rMin) * k) / (frontierPoints - 1);
    warm = k === 0 ? minVar : k === frontierPoints - 1 ? solve(tHigh, warm) : forReturn(r, warm);
    frontier.push(warm);
    onProgress(0.1 + (0.7 * (k + 1)) / frontierPoints);
  }

  // The tangency portfolio lies on the frontier and the Sharpe ratio is unimodal along it:
  // golden-section search over t.
  const sharpeAt = (t: number): number => stats(p, solve(t, minVar)).sharpe ?? Number.NEGATIVE_INFINITY;
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = 0;
  let b = tHigh;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = sharpeAt(c);
  let fd = sharpeAt(d);
  for (let k = 0; k < 80 && b - a > 1e-10 * tHigh; k++) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = sharpeAt(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = sharpeAt(d);
    }
  }
  let maxSharpe = solve((a + b) / 2, minVar);
  // Guard the ends of the interval, where a golden-section search cannot land exactly.
  for (const candidate of [minVar, solve(tHigh, maxRet)]) {
    if ((stats(p, candidate).sharpe ?? -Infinity) > (stats(p, maxSharpe).sharpe ?? -Infinity)) maxSharpe = candidate;
  }
  onProgress(1);
  return { minVar, maxSharpe, frontier };
}

/** The service-level optimisation: series to annualised moments, then {@link optimisePortfolio}. */
export function runOptimisation(input: OptimisationInput, onProgress: ProgressFn = noProgress): OptimisationResult {
  const problem = optimisationProblem(input);
  if (problem) throw new InputError(problem);
  if (input.assets.length > COMPUTATION_LIMITS.maxAssets) throw new InputError('too many assets');
  const matrix = returnsMatrix(input.assets.map((a) => ({ symbol: a.symbol, returns: a.returns ?? pricesToReturns(a.prices ?? []) })));
  const estimate = estimateCovariance(matrix, input.shrinkage);
  const periods = input.periodsPerYear;
  const mu = estimate.mean.map((m) => m * periods);
  const cov = estimate.cov.map((c) => c * periods);
  const p: MeanVariance = { n: matrix.assets, mu, cov, maxWeight: input.maxWeight, riskFreeRate: input.riskFreeRate };
  const { minVar, maxSharpe, frontier } = optimisePortfolio(p, input.frontierPoints, onProgress);
  return {
    assets: matrix.symbols.map((symbol, i) => ({ symbol, expectedReturn: mu[i]!, volatility: Math.sqrt(cov[i * p.n + i]!) })),
    shrinkage: estimate.shrinkage,
    observations: matrix.periods,
    minimumVariance: point(matrix.symbols, p, minVar),
    maximumSharpe: point(matrix.symbols, p, maxSharpe),
    frontier: frontier.map((w) => point(matrix.symbols, p, w)),
  };
}
