import { formatDate, type Day } from './dates.js';
import { parseSeries, type Series } from './market.js';
import { returnSeries, type PerformanceQuery } from './performance.js';
import type { Portfolio } from './state.js';
import type { DatedValue } from './types.js';

/**
 * The timeline has every calendar day (values carry over weekends), so statistics annualise
 * with 365 periods a year. Zero-return weekends lower the daily variance by the share of
 * non-trading days, which √365 restores: the result matches trading-day volatility × √252.
 */
export const CALENDAR_DAYS_PER_YEAR = 365;

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** Sample standard deviation (n − 1); NaN for fewer than two values. */
export function standardDeviation(x: ArrayLike<number>): number {
  if (x.length < 2) return Number.NaN;
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - m) ** 2;
  return Math.sqrt(s / (x.length - 1));
}

/** Annualised volatility of periodic returns; null for fewer than two returns. */
export function volatility(returns: ArrayLike<number>, periodsPerYear = CALENDAR_DAYS_PER_YEAR): number | null {
  const sd = standardDeviation(returns);
  return Number.isNaN(sd) ? null : sd * Math.sqrt(periodsPerYear);
}

/** Risk-free rate per period from an annual rate (compounded). */
function periodicRate(annual: number, periodsPerYear: number): number {
  return Math.pow(1 + annual, 1 / periodsPerYear) - 1;
}

/** Annualised Sharpe ratio: mean excess return / standard deviation, × √periods; null if undefined. */
export function sharpe(returns: ArrayLike<number>, riskFreeRate = 0, periodsPerYear = CALENDAR_DAYS_PER_YEAR): number | null {
  const sd = standardDeviation(returns);
  if (Number.isNaN(sd) || sd === 0) return null;
  const rf = periodicRate(riskFreeRate, periodsPerYear);
  return ((mean(returns) - rf) / sd) * Math.sqrt(periodsPerYear);
}

/**
 * Annualised Sortino ratio: mean excess return / downside deviation, × √periods. The
 * downside deviation is √(Σ min(0, r − target)² / n) over all periods (target = risk-free rate).
 */
export function sortino(returns: ArrayLike<number>, riskFreeRate = 0, periodsPerYear = CALENDAR_DAYS_PER_YEAR): number | null {
  if (returns.length < 2) return null;
  const rf = periodicRate(riskFreeRate, periodsPerYear);
  let s = 0;
  for (let i = 0; i < returns.length; i++) s += Math.min(0, returns[i]! - rf) ** 2;
  const dd = Math.sqrt(s / returns.length);
  if (dd === 0) return null;
  return ((mean(returns) - rf) / dd) * Math.sqrt(periodsPerYear);
}

export interface Drawdown {
  /** Largest fall from a peak, as a positive fraction (0.25 = −25%). */
  maxDrawdown: number;
  peak: string | null;
  trough: string | null;
  /** First day back at the peak's level, or null if not recovered by the end. */
  recovery: string | null;
  /** Days from the peak to recovery (or to the end if not recovered). */
  durationDays: number;
  /** Longest time spent below a previous peak, in days. */
  longestDrawdownDays: number;
}

/** Maximum drawdown of an index series (e.g. the TWR index, so flows do not count as losses). */
export function maxDrawdown(index: ArrayLike<number>, firstDay: Day): Drawdown {
  let peak = index[0] ?? 1;
  let peakAt = 0;
  let worst = 0;
  let worstPeak = -1;
  let worstTrough = -1;
  let longest = 0;
  let below = false;
  for (let i = 1; i < index.length; i++) {
    const v = index[i]!;
    if (v >= peak) {
      if (below) longest = Math.max(longest, i - peakAt);
      below = false;
      peak = v;
      peakAt = i;
      continue;
    }
    below = true;
    const dd = peak > 0 ? 1 - v / peak : 0;
    if (dd > worst) {
      worst = dd;
      worstPeak = peakAt;
      worstTrough = i;
    }
  }
  if (below) longest = Math.max(longest, index.length - 1 - peakAt);
  let recovery = -1;
  if (worstPeak >= 0) {
    const level = index[worstPeak]!;
    for (let i = worstTrough + 1; i < index.length; i++) {
      if (index[i]! >= level) {
        recovery = i;
        break;
      }
    }
  }
  return {
    maxDrawdown: worst,
    peak: worstPeak >= 0 ? formatDate(firstDay + worstPeak) : null,
    trough: worstTrough >= 0 ? formatDate(firstDay + worstTrough) : null,
    recovery: recovery >= 0 ? formatDate(firstDay + recovery) : null,
    durationDays: worstPeak < 0 ? 0 : (recovery >= 0 ? recovery : index.length - 1) - worstPeak,
    longestDrawdownDays: longest,
  };
}

/** Beta (cov/var of the benchmark) and Pearson correlation of two aligned return series. */
export function betaCorrelation(returns: ArrayLike<number>, benchmark: ArrayLike<number>): { beta: number | null; correlation: number | null } {
  const n = Math.min(returns.length, benchmark.length);
  if (n < 2) return { beta: null, correlation: null };
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += returns[i]!;
    mb += benchmark[i]!;
  }
  ma /= n;
  mb /= n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    const da = returns[i]! - ma;
    const db = benchmark[i]! - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return { beta: vb === 0 ? null : cov / vb, correlation: va === 0 || vb === 0 ? null : cov / Math.sqrt(va * vb) };
}

/** A benchmark: dated prices, or the symbol of an instrument in the portfolio's market data. */
export type Benchmark = readonly DatedValue[] | { symbol: string };

function benchmarkSeries(p: Portfolio | null, benchmark: Benchmark): Series {
  if ('symbol' in benchmark) {
    const s = p?.market.prices.get(benchmark.symbol);
    if (!s) throw new RangeError(`no prices for benchmark ${benchmark.symbol}`);
    return s;
  }
  return parseSeries(benchmark);
}

/** Daily index of a price series over base … end (carried forward; 1 on the base day). */
export function benchmarkIndex(prices: readonly DatedValue[] | Series, base: Day, end: Day): Float64Array {
  const s = 'days' in prices ? prices : parseSeries(prices);
  const len = end - base + 1;
  const out = new Float64Array(len);
  let k = -1;
  while (k + 1 < s.days.length && s.days[k + 1]! <= base) k++;
  let last = k >= 0 ? s.values[k]! : Number.NaN;
  for (let i = 0; i < len; i++) {
    while (k + 1 < s.days.length && s.days[k + 1]! <= base + i) {
      k++;
      last = s.values[k]!;
    }
    out[i] = last;
  }
  // Before the benchmark's first price, hold it at its first price.
  const first = out.find((v) => !Number.isNaN(v)) ?? 1;
  const b0 = Number.isNaN(out[0]!) ? first : out[0]!;
  for (let i = 0; i < len; i++) out[i] = (Number.isNaN(out[i]!) ? first : out[i]!) / b0;
  return out;
}

function returnsOfIndex(index: Float64Array): Float64Array {
  const r = new Float64Array(Math.max(0, index.length - 1));
  for (let i = 1; i < index.length; i++) r[i - 1] = index[i - 1]! !== 0 ? index[i]! / index[i - 1]! - 1 : 0;
  return r;
}

export interface RiskQuery extends PerformanceQuery {
  /** Annual risk-free rate for Sharpe and Sortino (default 0). */
  riskFreeRate?: number;
  /** Benchmark for beta and correlation. */
  benchmark?: Benchmark;
}

export interface RiskResult {
  range: { from: string; to: string };
  volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  drawdown: Drawdown;
  beta: number | null;
  correlation: number | null;
}

/**
 * Risk figures from the daily time-weighted returns of the portfolio (or a filtered part):
 * flows are not returns, so money put in or taken out never looks like gain or loss.
 */
export function risk(p: Portfolio, query: RiskQuery = {}): RiskResult {
  const { range, returns, index } = returnSeries(p, query);
  const r = returns.subarray(1);
  const bc = query.benchmark ? betaCorrelation(r, returnsOfIndex(benchmarkIndex(benchmarkSeries(p, query.benchmark), range.base, range.end))) : null;
  return {
    range: { from: formatDate(range.base), to: formatDate(range.end) },
    volatility: volatility(r),
    sharpe: sharpe(r, query.riskFreeRate ?? 0),
    sortino: sortino(r, query.riskFreeRate ?? 0),
    drawdown: maxDrawdown(index, range.base),
    beta: bc?.beta ?? null,
    correlation: bc?.correlation ?? null,
  };
}

export interface ComparisonPoint {
  date: string;
  /** Portfolio TWR index, 1 on the base day. */
  portfolio: number;
  /** Benchmark price index, 1 on the base day. */
  benchmark: number;
}

export interface ComparisonResult {
  range: { from: string; to: string };
  portfolioReturn: number;
  benchmarkReturn: number;
  beta: number | null;
  correlation: number | null;
  series: ComparisonPoint[];
}

/**
 * The portfolio's TWR against any instrument over the same range, both indexed to 1 on the
 * base day (the benchmark is a price return in its own currency).
 *
 * @example compareWithBenchmark(p, { symbol: 'VWCE' }, { range: '3Y' }).series
 */
export function compareWithBenchmark(p: Portfolio, benchmark: Benchmark, query: PerformanceQuery = {}): ComparisonResult {
  const { range, returns, index } = returnSeries(p, query);
  const bIndex = benchmarkIndex(benchmarkSeries(p, benchmark), range.base, range.end);
  const bc = betaCorrelation(returns.subarray(1), returnsOfIndex(bIndex));
  const series: ComparisonPoint[] = [];
  for (let i = 0; i < index.length; i++) series.push({ date: formatDate(range.base + i), portfolio: index[i]!, benchmark: bIndex[i]! });
  return {
    range: { from: formatDate(range.base), to: formatDate(range.end) },
    portfolioReturn: index[index.length - 1]! - 1,
    benchmarkReturn: bIndex[bIndex.length - 1]! - 1,
    beta: bc.beta,
    correlation: bc.correlation,
    series,
  };
}
