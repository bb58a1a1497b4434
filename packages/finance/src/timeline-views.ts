import { fxTrack } from './context.js';
import { formatDate, parseDate } from './dates.js';
import { returnSeries } from './performance.js';
import type { RangeSpec } from './ranges.js';
import type { Filter } from './selection.js';
import { PROVENANCE, type Portfolio, type Provenance } from './state.js';

/** The timeline's days as `YYYY-MM-DD` (index i = start date + i days). */
export function timelineDates(p: Portfolio): string[] {
  const out = new Array<string>(p.length);
  for (let i = 0; i < p.length; i++) out[i] = formatDate(p.startDay + i);
  return out;
}

/** Name of a provenance code from {@link HoldingTimeline.provenance}. */
export function provenanceName(code: number): Provenance {
  return PROVENANCE[code] ?? 'none';
}

/** Daily series of one holding (one account, or summed over accounts), float64, index 0 = startDate. */
export interface HoldingTimeline {
  symbol: string;
  accountId: string | null;
  currency: string;
  startDate: string;
  quantity: Float64Array;
  /** Price in the instrument's currency: exact (a quote that day), carried, manual, trade or none. */
  price: Float64Array;
  /** Codes: see {@link provenanceName}. */
  provenance: Uint8Array;
  /** Units of base currency per unit of the instrument's currency. */
  fx: Float64Array;
  value: Float64Array;
  valueBase: Float64Array;
}

/** Daily quantity, price (with provenance), FX and value of a holding in one account or all of them. */
export function holdingTimeline(p: Portfolio, symbol: string, accountId?: string): HoldingTimeline {
  const inst = p.instruments.get(symbol);
  const track = p.prices.get(symbol);
  const quantity = new Float64Array(p.length);
  const valueBase = new Float64Array(p.length);
  for (const s of p.segmentOrder) {
    const seg = p.segments[s]!;
    if (seg.kind !== 'position' || seg.symbol !== symbol || (accountId !== undefined && seg.accountId !== accountId)) continue;
    for (let i = 0; i < p.length; i++) {
      quantity[i]! += seg.quantity[i]!;
      valueBase[i]! += seg.value[i]!;
    }
  }
  const price = track ? track.price : new Float64Array(p.length);
  const value = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) value[i] = quantity[i]! * price[i]!;
  return {
    symbol,
    accountId: accountId ?? null,
    currency: inst?.currency ?? p.baseCurrency,
    startDate: formatDate(p.startDay),
    quantity,
    price,
    provenance: track ? track.provenance : new Uint8Array(p.length),
    fx: fxTrack(p, inst?.currency ?? p.baseCurrency),
    value,
    valueBase,
  };
}

/** Daily cash balance of one account in one currency, and its value in base currency. */
export function cashTimeline(p: Portfolio, accountId: string, currency: string): { startDate: string; balance: Float64Array; valueBase: Float64Array } {
  const s = p.segmentByKey.get(`C|${accountId}|${currency}`);
  const seg = s === undefined ? undefined : p.segments[s];
  return {
    startDate: formatDate(p.startDay),
    balance: seg ? seg.quantity : new Float64Array(p.length),
    valueBase: seg ? seg.value : new Float64Array(p.length),
  };
}

/** Value and net external flows per day of the portfolio or a filtered part (index 0 = the range's base day). */
export function valueTimeline(
  p: Portfolio,
  query: { range?: RangeSpec; filter?: Filter } = {},
): { startDate: string; value: Float64Array; inflow: Float64Array; outflow: Float64Array; netFlow: Float64Array } {
  const agg = returnSeries(p, query).aggregate;
  const netFlow = new Float64Array(agg.value.length);
  for (let i = 0; i < netFlow.length; i++) netFlow[i] = agg.inflow[i]! - agg.outflow[i]!;
  return { startDate: formatDate(agg.base), value: agg.value, inflow: agg.inflow, outflow: agg.outflow, netFlow };
}

export interface DayPoint {
  date: string;
  holdings: { accountId: string; symbol: string; quantity: number; price: number; provenance: Provenance; value: number; valueBase: number }[];
  cash: { accountId: string; currency: string; balance: number; valueBase: number }[];
  value: number;
}

/** Every holding and cash balance on one day of the timeline (float64 view for charts and tables). */
export function dayPoint(p: Portfolio, date: string): DayPoint {
  const i = parseDate(date) - p.startDay;
  if (i < 0 || i >= p.length) throw new RangeError(`${date} is outside the timeline`);
  const out: DayPoint = { date, holdings: [], cash: [], value: p.total[i]! };
  for (const s of p.segmentOrder) {
    const seg = p.segments[s]!;
    if (seg.quantity[i] === 0) continue;
    if (seg.kind === 'cash') {
      out.cash.push({ accountId: seg.accountId, currency: seg.currency, balance: seg.quantity[i]!, valueBase: seg.value[i]! });
    } else {
      const track = p.prices.get(seg.symbol!)!;
      out.holdings.push({
        accountId: seg.accountId,
        symbol: seg.symbol!,
        quantity: seg.quantity[i]!,
        price: track.price[i]!,
        provenance: provenanceName(track.provenance[i]!),
        value: seg.quantity[i]! * track.price[i]!,
        valueBase: seg.value[i]!,
      });
    }
  }
  return out;
}
