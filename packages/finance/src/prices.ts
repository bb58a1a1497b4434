import type { NormalizedActivity } from './activities.js';
import type { Decimal } from './decimal.js';
import type { Day } from './dates.js';
import { exactAt, indexAtOrBefore } from './market.js';
import {
  PROV_CARRIED,
  PROV_EXACT,
  PROV_MANUAL,
  PROV_NONE,
  PROV_TRADE,
  PROVENANCE,
  type PriceTrack,
  type Portfolio,
  type Provenance,
} from './state.js';

/**
 * Daily price of an instrument over the timeline. On a day, a manual valuation wins over a
 * market quote, which wins over the price of a trade; days without any carry the last price
 * forward. Before the first observation the price is 0 with provenance `none`.
 */
export function buildPriceTrack(
  p: Portfolio,
  symbol: string,
  manual: readonly NormalizedActivity[],
  trades: readonly NormalizedActivity[],
): PriceTrack {
  const n = p.length;
  const price = new Float64Array(n).fill(Number.NaN);
  const provenance = new Uint8Array(n);
  const start = p.startDay;
  let carried = Number.NaN;
  let carriedDay = Number.NEGATIVE_INFINITY;
  const place = (day: Day, value: number, code: number): void => {
    const i = day - start;
    if (i >= n) return;
    if (i < 0) {
      if (day >= carriedDay) {
        carried = value;
        carriedDay = day;
      }
      return;
    }
    price[i] = value;
    provenance[i] = code;
  };
  for (const t of trades) place(t.day, t.unitPrice!.toNumber(), PROV_TRADE);
  const quotes = p.market.prices.get(symbol);
  if (quotes) {
    const first = Math.max(0, indexAtOrBefore(quotes.days, start));
    for (let k = first; k < quotes.days.length; k++) {
      const i = quotes.days[k]! - start;
      if (i >= n) break;
      place(quotes.days[k]!, quotes.values[k]!, PROV_EXACT);
    }
  }
  for (const m of manual) place(m.day, m.unitPrice!.toNumber(), PROV_MANUAL);
  let last = carried;
  for (let i = 0; i < n; i++) {
    const v = price[i]!;
    if (Number.isNaN(v)) {
      if (Number.isNaN(last)) {
        price[i] = 0;
        provenance[i] = PROV_NONE;
      } else {
        price[i] = last;
        provenance[i] = PROV_CARRIED;
      }
    } else last = v;
  }
  return { price, provenance };
}

function lastAtOrBefore(list: readonly NormalizedActivity[], day: Day): NormalizedActivity | undefined {
  let lo = 0;
  let hi = list.length - 1;
  let found: NormalizedActivity | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const o = list[mid]!;
    if (o.day <= day) {
      // Several trades on one day: the last one entered wins, as in the daily track.
      found = o;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Exact price in effect on a day, with the day it was observed and where it came from. */
export function exactPriceAt(p: Portfolio, symbol: string, day: Day): { price: Decimal; observed: Day; provenance: Provenance } | null {
  const ledger = p.ledgers.get(`I:${symbol}`);
  const manual = ledger ? lastAtOrBefore(ledger.manual, day) : undefined;
  const trade = ledger ? lastAtOrBefore(ledger.trades, day) : undefined;
  const quotes = p.market.prices.get(symbol);
  const k = quotes ? indexAtOrBefore(quotes.days, day) : -1;
  let best: { price: Decimal; observed: Day; code: number } | null = null;
  const consider = (observed: Day, price: () => Decimal, code: number): void => {
    // Same day: manual > quote > trade (consider() is called in increasing priority).
    if (!best || observed >= best.observed) best = { price: price(), observed, code };
  };
  if (trade) consider(trade.day, () => trade.unitPrice!, PROV_TRADE);
  if (quotes && k >= 0) consider(quotes.days[k]!, () => exactAt(quotes, k), PROV_EXACT);
  if (manual) consider(manual.day, () => manual.unitPrice!, PROV_MANUAL);
  if (!best) return null;
  const b: { price: Decimal; observed: Day; code: number } = best;
  return { price: b.price, observed: b.observed, provenance: PROVENANCE[b.observed === day ? b.code : PROV_CARRIED]! };
}
