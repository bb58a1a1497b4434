import { addYears, formatDate, yearOf } from './dates.js';
import { resolveRange, type RangeSpec, type ResolvedRange } from './ranges.js';
import { aggregate, selectSegments, type Aggregate, type Filter } from './selection.js';
import type { Portfolio } from './state.js';
import { xirr } from './xirr.js';

/** Which period and which part of the portfolio. Defaults: MAX, everything. */
export interface PerformanceQuery {
  range?: RangeSpec;
  filter?: Filter;
  /** Build the daily series (default true). */
  series?: boolean;
}

export interface PerformancePoint {
  date: string;
  /** Value in base currency at the end of the day. */
  value: number;
  /** Starting value plus money put in minus money taken out since the base day. */
  netContribution: number;
  /** Chain-linked time-weighted index, 1 on the base day. */
  twrIndex: number;
}

export interface PerformanceResult {
  range: { from: string; to: string; days: number; label: string };
  /** Cumulative true time-weighted return over the period. */
  twr: number;
  /** Money-weighted return (XIRR, de-annualised over the time from the first flow to the end); null if undefined. */
  mwr: number | null;
  /** Modified Dietz return over the period; null if the weighted capital is not positive. */
  modifiedDietz: number | null;
  /** End value − start value − money put in + money taken out (base currency). */
  absoluteGain: number;
  startValue: number;
  endValue: number;
  inflows: number;
  outflows: number;
  /** Annual rates, only when the period is longer than a year. */
  annualised: { twr: number; mwr: number | null; modifiedDietz: number | null } | null;
  series: PerformancePoint[];
}

/** Below this (in base currency units) a day has no capital to earn a return on. */
const NO_CAPITAL = 1e-6;

/**
 * Daily returns with Portfolio Performance's convention: money put in during a day earns
 * that day's return, money taken out leaves at the day's end:
 * r_i = (V_i + out_i) / (V_{i−1} + in_i) − 1. Index 0 (the base day) is 0.
 *
 * A day without capital has return 0: nothing at its start and nothing put in, or nothing
 * at its start and nothing left at its end (money put in only to pay a fee). The gain or
 * loss of such a day still counts in the absolute gain and the money-weighted return; a
 * time-weighted return has no base to measure it against, and a −100% day would otherwise
 * zero the index for ever.
 */
export function dailyReturns(value: Float64Array, inflow: Float64Array, outflow: Float64Array): Float64Array {
  const r = new Float64Array(value.length);
  for (let i = 1; i < value.length; i++) {
    const start = value[i - 1]!;
    const den = start + inflow[i]!;
    const num = value[i]! + outflow[i]!;
    r[i] = den <= NO_CAPITAL || (start <= NO_CAPITAL && num <= NO_CAPITAL) ? 0 : num / den - 1;
  }
  return r;
}

/** Chain-links daily returns into an index starting at 1. */
export function chainLink(returns: Float64Array): Float64Array {
  const index = new Float64Array(returns.length);
  let acc = 1;
  for (let i = 0; i < returns.length; i++) {
    if (i > 0) acc *= 1 + returns[i]!;
    index[i] = acc;
  }
  return index;
}

/**
 * Modified Dietz: gain / (V_0 + Σ w·flow), with the same timing as the daily returns (an
 * inflow on day i of T counts for (T−i+1)/T of the period, an outflow for (T−i)/T).
 */
export function modifiedDietz(value: Float64Array, inflow: Float64Array, outflow: Float64Array): number | null {
  const T = value.length - 1;
  if (T <= 0) return null;
  let inflows = 0;
  let outflows = 0;
  let weighted = value[0]!;
  for (let i = 1; i <= T; i++) {
    inflows += inflow[i]!;
    outflows += outflow[i]!;
    weighted += (inflow[i]! * (T - i + 1)) / T - (outflow[i]! * (T - i)) / T;
  }
  const gain = value[T]! - value[0]! - inflows + outflows;
  return weighted > NO_CAPITAL ? gain / weighted : null;
}

/** The period's returns and the aggregate they come from (shared with risk and comparison). */
export interface ReturnSeries {
  readonly range: ResolvedRange;
  readonly aggregate: Aggregate;
  readonly returns: Float64Array;
  readonly index: Float64Array;
}

/** Daily values, flows, TWR returns and index of a range and filter (what performance and risk start from). */
export function returnSeries(p: Portfolio, query: PerformanceQuery = {}): ReturnSeries {
  const range = resolveRange(query.range ?? 'MAX', p.asOf, p.startDay);
  const agg = aggregate(p, selectSegments(p, query.filter), range.base, range.end, query.filter);
  const returns = dailyReturns(agg.value, agg.inflow, agg.outflow);
  return { range, aggregate: agg, returns, index: chainLink(returns) };
}

/**
 * Performance of the portfolio (or a filtered part) over a range: chain-linked daily TWR,
 * XIRR money-weighted return, Modified Dietz, absolute gain, and the daily series.
 * Interest, dividends, fees and taxes are performance, not flows.
 *
 * @example performance(p, { range: 'YTD', filter: { accounts: ['broker'] } }).twr
 */
export function performance(p: Portfolio, query: PerformanceQuery = {}): PerformanceResult {
  const { range, aggregate: agg, index } = returnSeries(p, query);
  const { value, inflow, outflow } = agg;
  const T = value.length - 1;
  const withSeries = query.series !== false;
  const series: PerformancePoint[] = withSeries ? new Array<PerformancePoint>(value.length) : [];
  let inflows = 0;
  let outflows = 0;
  const flows: { date: number; amount: number }[] = [];
  if (value[0] !== 0) flows.push({ date: range.base, amount: -value[0]! });
  for (let i = 0; i <= T; i++) {
    inflows += inflow[i]!;
    outflows += outflow[i]!;
    // Same date, same discount factor: XIRR only needs the day's net amount.
    const net = outflow[i]! - inflow[i]!;
    if (net !== 0) flows.push({ date: range.base + i, amount: net });
    if (withSeries) series[i] = { date: formatDate(range.base + i), value: value[i]!, netContribution: value[0]! + inflows - outflows, twrIndex: index[i]! };
  }
  if (value[T] !== 0) flows.push({ date: range.end, amount: value[T]! });
  const twr = index[T]! - 1;
  const annualRate = T > 0 ? xirr(flows) : null;
  const years = T / 365;
  // De-annualised over the time money was invested: from the first flow to the end.
  const investedYears = flows.length > 0 ? (range.end - flows[0]!.date) / 365 : 0;
  const mwr = annualRate === null ? null : Math.pow(1 + annualRate, investedYears) - 1;
  const md = modifiedDietz(value, inflow, outflow);
  const longerThanAYear = range.end > addYears(range.base, 1);
  return {
    range: { from: formatDate(range.base), to: formatDate(range.end), days: T, label: range.label },
    twr,
    mwr,
    modifiedDietz: md,
    absoluteGain: value[T]! - value[0]! - inflows + outflows,
    startValue: value[0]!,
    endValue: value[T]!,
    inflows,
    outflows,
    annualised: longerThanAYear
      ? {
          twr: Math.pow(1 + twr, 1 / years) - 1,
          mwr: annualRate,
          modifiedDietz: md === null ? null : Math.pow(1 + md, 1 / years) - 1,
        }
      : null,
    series,
  };
}

/**
 * Performance of every calendar year from the first activity to `asOf` (the current year
 * to date), without daily series.
 */
export function performanceByYear(p: Portfolio, query: Omit<PerformanceQuery, 'range' | 'series'> = {}): (PerformanceResult & { year: number })[] {
  const out: (PerformanceResult & { year: number })[] = [];
  for (let year = yearOf(p.startDay + 1); year <= yearOf(p.asOf); year++) {
    out.push({ year, ...performance(p, { ...query, range: { year }, series: false }) });
  }
  return out;
}
