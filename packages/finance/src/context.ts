import { ONE, type Decimal } from './decimal.js';
import { formatDate, type Day } from './dates.js';
import { exactAt, indexAtOrBefore } from './market.js';
import type { Portfolio, Segment } from './state.js';
import type { Diagnostic } from './types.js';

/** Index of the segment with this key, created (with zeroed series) on first use. */
export function segmentIndex(p: Portfolio, kind: 'position' | 'cash', accountId: string, what: string): number {
  const key = `${kind === 'position' ? 'P' : 'C'}|${accountId}|${what}`;
  const found = p.segmentByKey.get(key);
  if (found !== undefined) return found;
  const index = p.segments.length;
  const segment: Segment = {
    index,
    key,
    kind,
    accountId,
    symbol: kind === 'position' ? what : null,
    currency: kind === 'cash' ? what : (p.instruments.get(what)?.currency ?? p.baseCurrency),
    quantity: new Float64Array(p.length),
    value: new Float64Array(p.length),
  };
  p.segments.push(segment);
  p.segmentByKey.set(key, index);
  // Keep the canonical (key) order: float sums over segments then do not depend on history.
  let at = p.segmentOrder.length;
  while (at > 0 && p.segments[p.segmentOrder[at - 1]!]!.key > key) at--;
  p.segmentOrder.splice(at, 0, index);
  return index;
}

/** Daily float FX rates of a currency over the timeline (carried forward; before the first rate, the first rate). */
export function fxTrack(p: Portfolio, currency: string): Float64Array {
  let track = p.fx.get(currency);
  if (track) return track;
  track = new Float64Array(p.length);
  const series = currency === p.baseCurrency ? undefined : p.market.fx.get(currency);
  if (!series || series.days.length === 0) {
    track.fill(1);
  } else {
    let k = indexAtOrBefore(series.days, p.startDay);
    if (k < 0) k = 0;
    let rate = series.values[k]!;
    for (let i = 0; i < p.length; i++) {
      const day = p.startDay + i;
      while (k + 1 < series.days.length && series.days[k + 1]! <= day) {
        k++;
        rate = series.values[k]!;
      }
      track[i] = rate;
    }
  }
  p.fx.set(currency, track);
  return track;
}

/** What the FX tracks had to assume (a missing currency, days before the first rate). */
export function fxDiagnostics(p: Portfolio): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const currency of [...p.fx.keys()].sort()) {
    if (currency === p.baseCurrency) continue;
    const series = p.market.fx.get(currency);
    if (!series || series.days.length === 0) {
      out.push({
        severity: 'error',
        code: 'MISSING_FX',
        message: `no FX rate for ${currency} in ${p.baseCurrency}: valued at 1:1 until rates are provided`,
        currency,
      });
    } else if (series.days[0]! > p.startDay + 1 && series.days[0]! <= p.asOf) {
      out.push({
        severity: 'info',
        code: 'MISSING_FX',
        message: `first ${currency} rate is on ${formatDate(series.days[0]!)}: used for the days before it`,
        currency,
      });
    }
  }
  return out;
}

/** Float FX rate of a day inside the timeline. */
export function fxOn(p: Portfolio, currency: string, day: Day): number {
  if (currency === p.baseCurrency) return 1;
  const track = fxTrack(p, currency);
  const i = day - p.startDay;
  return track[i < 0 ? 0 : i >= p.length ? p.length - 1 : i]!;
}

/** Exact FX rate (base units per unit of `currency`) on or before `day`. */
export function fxExact(p: Portfolio, currency: string, day: Day): Decimal {
  if (currency === p.baseCurrency) return ONE;
  const series = p.market.fx.get(currency);
  if (!series || series.days.length === 0) return ONE;
  const k = indexAtOrBefore(series.days, day);
  return exactAt(series, k < 0 ? 0 : k);
}

/** Exact amount in base currency; `rate` (the activity's own FX rate) wins over the series. */
export function toBaseExact(p: Portfolio, amount: Decimal, currency: string, day: Day, rate: Decimal | null): Decimal {
  if (amount.isZero()) return amount;
  if (rate) return amount.mul(rate);
  if (currency === p.baseCurrency) return amount;
  return amount.mul(fxExact(p, currency, day));
}

/** Exact conversion between two currencies through the base currency. */
export function convertExact(p: Portfolio, amount: Decimal, from: string, to: string, day: Day, rate: Decimal | null): Decimal {
  if (from === to || amount.isZero()) return amount;
  const base = toBaseExact(p, amount, from, day, rate);
  return to === p.baseCurrency ? base : base.div(fxExact(p, to, day));
}
