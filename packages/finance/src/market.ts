import { toDecimal, type Decimal } from './decimal.js';
import { parseDate, type Day } from './dates.js';
import type { DatedValue, MarketDataInput } from './types.js';

/** A dated series parsed once into typed arrays; the exact decimals are parsed on demand. */
export interface Series {
  readonly days: Int32Array;
  readonly values: Float64Array;
  readonly raw: readonly string[];
  readonly exact: (Decimal | undefined)[];
}

/** Quotes and FX rates in the form the engine reads. Build once, reuse across recomputations. */
export interface MarketData {
  readonly prices: ReadonlyMap<string, Series>;
  readonly fx: ReadonlyMap<string, Series>;
}

/** Parses a series; sorts it if needed and keeps the last value of a repeated date. */
export function parseSeries(points: readonly DatedValue[]): Series {
  let sorted = true;
  const days = new Int32Array(points.length);
  for (let i = 0; i < points.length; i++) {
    days[i] = parseDate(points[i]![0]);
    if (i > 0 && days[i]! <= days[i - 1]!) sorted = false;
  }
  let order: number[] | null = null;
  if (!sorted) {
    order = Array.from(points.keys()).sort((a, b) => days[a]! - days[b]! || a - b);
    const kept: number[] = [];
    for (const i of order) {
      if (kept.length > 0 && days[kept[kept.length - 1]!] === days[i]) kept[kept.length - 1] = i;
      else kept.push(i);
    }
    order = kept;
  }
  const n = order ? order.length : points.length;
  const outDays = order ? new Int32Array(n) : days;
  const values = new Float64Array(n);
  const raw: string[] = new Array<string>(n);
  for (let k = 0; k < n; k++) {
    const i = order ? order[k]! : k;
    const v = points[i]![1];
    if (order) outDays[k] = days[i]!;
    raw[k] = v;
    values[k] = Number(v);
    if (Number.isNaN(values[k])) values[k] = toDecimal(v).toNumber();
  }
  return { days: outDays, values, raw, exact: new Array<Decimal | undefined>(n) };
}

/** Parses the quotes and FX rates of a portfolio input. */
export function prepareMarketData(input: MarketDataInput): MarketData {
  const prices = new Map<string, Series>();
  for (const [symbol, points] of Object.entries(input.prices)) prices.set(symbol, parseSeries(points));
  const fx = new Map<string, Series>();
  for (const [currency, points] of Object.entries(input.fx)) fx.set(currency, parseSeries(points));
  return { prices, fx };
}

/** Index of the last observation on or before `day`, or -1. */
export function indexAtOrBefore(days: Int32Array, day: Day): number {
  let lo = 0;
  let hi = days.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid]! <= day) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function exactAt(series: Series, index: number): Decimal {
  let d = series.exact[index];
  if (d === undefined) {
    d = toDecimal(series.raw[index]!);
    series.exact[index] = d;
  }
  return d;
}
