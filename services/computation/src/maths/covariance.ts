import { InputError } from './progress.js';

/** Periodic returns of n assets over T periods, row-major (row t = period t). */
export interface ReturnsMatrix {
  symbols: string[];
  periods: number;
  assets: number;
  data: Float64Array;
}

/** Simple returns from prices, oldest first. */
export function pricesToReturns(prices: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < prices.length; i++) out.push(prices[i]! / prices[i - 1]! - 1);
  return out;
}

/** Builds the matrix; every series must have one length and every symbol must be unique. */
export function returnsMatrix(series: ReadonlyArray<{ symbol: string; returns: readonly number[] }>): ReturnsMatrix {
  const first = series[0];
  if (!first) throw new InputError('at least one return series is required');
  const periods = first.returns.length;
  const seen = new Set<string>();
  for (const s of series) {
    if (seen.has(s.symbol)) throw new InputError(`symbol ${s.symbol} appears twice`);
    seen.add(s.symbol);
    if (s.returns.length !== periods) {
      throw new InputError(`every series must have the same length: ${first.symbol} has ${periods} returns, ${s.symbol} has ${s.returns.length}`);
    }
  }
  if (periods < 2) throw new InputError('each series needs at least two returns');
  const n = series.length;
  const data = new Float64Array(periods * n);
  series.forEach((s, j) => s.returns.forEach((r, t) => (data[t * n + j] = r)));
  return { symbols: series.map((s) => s.symbol), periods, assets: n, data };
}

export interface CovarianceEstimate {
  mean: Float64Array;
  /** n × n, row-major, per period. */
  cov: Float64Array;
  /** Shrinkage intensity in [0, 1]. */
  shrinkage: number;
}

/**
 * Sample covariance (n − 1), or the Ledoit–Wolf (2004) estimator: the MLE covariance S
 * shrunk towards m·I (m = tr S / n) with the intensity that minimises the expected
 * Frobenius loss, δ = min(b̄², d²) / d². Shrinkage keeps the optimiser away from the
 * noise-driven corner solutions a raw sample covariance produces with few observations.
 */
export function estimateCovariance(x: ReturnsMatrix, method: 'ledoit-wolf' | 'none'): CovarianceEstimate {
  const { periods: T, assets: n, data } = x;
  const mean = new Float64Array(n);
  for (let t = 0; t < T; t++) for (let j = 0; j < n; j++) mean[j]! += data[t * n + j]!;
  for (let j = 0; j < n; j++) mean[j]! /= T;
  const centred = new Float64Array(T * n);
  for (let t = 0; t < T; t++) for (let j = 0; j < n; j++) centred[t * n + j] = data[t * n + j]! - mean[j]!;
  const s = new Float64Array(n * n);
  for (let t = 0; t < T; t++) {
    const row = t * n;
    for (let i = 0; i < n; i++) {
      const xi = centred[row + i]!;
      for (let j = i; j < n; j++) s[i * n + j]! += xi * centred[row + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) s[j * n + i] = s[i * n + j]!;

  if (method === 'none') {
    for (let k = 0; k < n * n; k++) s[k]! /= T - 1;
    return { mean, cov: s, shrinkage: 0 };
  }
  for (let k = 0; k < n * n; k++) s[k]! /= T;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += s[i * n + i]!;
  const m = trace / n;
  let d2 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = s[i * n + j]!;
      s2 += v * v;
      const dv = v - (i === j ? m : 0);
      d2 += dv * dv;
    }
  }
  // Σ_t ‖x_t x_tᵀ − S‖²_F = Σ_t ‖x_t‖⁴ − T‖S‖²_F
  let fourth = 0;
  for (let t = 0; t < T; t++) {
    let sq = 0;
    for (let j = 0; j < n; j++) sq += centred[t * n + j]! ** 2;
    fourth += sq * sq;
  }
  const bBar2 = Math.max(0, (fourth / T - s2) / T);
  const shrinkage = d2 === 0 ? 1 : Math.min(bBar2, d2) / d2;
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) cov[i * n + j] = (1 - shrinkage) * s[i * n + j]! + (i === j ? shrinkage * m : 0);
  }
  return { mean, cov, shrinkage };
}
