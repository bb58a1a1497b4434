import { fxTrack } from './context.js';
import type { CashHistory, LedgerOutput, Portfolio, PositionHistory, PriceTrack } from './state.js';

/**
 * Float64 daily series from exact state: quantity × price × FX for a position, balance × FX
 * for cash. `from` is the first timeline index to (re)compute.
 */
export function fillPositionSeries(p: Portfolio, segment: number, history: PositionHistory | undefined, track: PriceTrack | undefined, from: number): void {
  const seg = p.segments[segment]!;
  const fx = fxTrack(p, seg.currency);
  const qty = seg.quantity;
  const value = seg.value;
  const n = p.length;
  if (!history || !track || history.days.length === 0) {
    qty.fill(0, from);
    value.fill(0, from);
    return;
  }
  const days = history.days;
  let k = upperBound(days, p.startDay + from) - 1;
  let q = k >= 0 ? history.quantity[k]!.toNumber() : 0;
  let nextDay = k + 1 < days.length ? days[k + 1]! : Number.POSITIVE_INFINITY;
  const price = track.price;
  for (let i = from; i < n; i++) {
    if (p.startDay + i === nextDay) {
      k++;
      q = history.quantity[k]!.toNumber();
      nextDay = k + 1 < days.length ? days[k + 1]! : Number.POSITIVE_INFINITY;
    }
    qty[i] = q;
    value[i] = q === 0 ? 0 : q * price[i]! * fx[i]!;
  }
}

export function fillCashSeries(p: Portfolio, segment: number, history: CashHistory | undefined, from: number): void {
  const seg = p.segments[segment]!;
  const fx = fxTrack(p, seg.currency);
  const bal = seg.quantity;
  const value = seg.value;
  if (!history || history.days.length === 0) {
    bal.fill(0, from);
    value.fill(0, from);
    return;
  }
  const days = history.days;
  let k = upperBound(days, p.startDay + from) - 1;
  let b = k >= 0 ? history.balance[k]!.toNumber() : 0;
  let nextDay = k + 1 < days.length ? days[k + 1]! : Number.POSITIVE_INFINITY;
  for (let i = from; i < p.length; i++) {
    if (p.startDay + i === nextDay) {
      k++;
      b = history.balance[k]!.toNumber();
      nextDay = k + 1 < days.length ? days[k + 1]! : Number.POSITIVE_INFINITY;
    }
    bal[i] = b;
    value[i] = b === 0 ? 0 : b * fx[i]!;
  }
}

/** Index of the first element greater than `x` in an ascending array. */
export function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Values transfers of securities at market: quantity × the day's price × FX. */
export function resolveMarketFlows(p: Portfolio, out: LedgerOutput, track: PriceTrack, currency: string): void {
  const fx = fxTrack(p, currency);
  const f = out.flows;
  for (let k = 0; k < f.length; k++) {
    const q = f.marketQuantity[k]!;
    if (Number.isNaN(q)) continue;
    const i = f.day[k]! - p.startDay;
    f.amount[k] = q * track.price[i]! * fx[i]!;
  }
}

/** Total value per day = sum of the segments in canonical order (so it does not depend on history). */
export function fillTotals(p: Portfolio, from: number): void {
  const total = p.total;
  total.fill(0, from);
  for (const s of p.segmentOrder) {
    const v = p.segments[s]!.value;
    for (let i = from; i < p.length; i++) total[i]! += v[i]!;
  }
}
