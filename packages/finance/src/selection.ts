import type { Day } from './dates.js';
import type { Portfolio } from './state.js';

/**
 * Which part of the portfolio to look at. Empty or absent lists mean "all". Cash belongs to
 * the asset class `CASH` and is left out when symbols are given.
 */
export interface Filter {
  accounts?: readonly string[];
  assetClasses?: readonly string[];
  symbols?: readonly string[];
}

/** Asset class used for cash in filters and summaries. */
export const CASH_CLASS = 'CASH';

function isAll(filter: Filter | undefined): boolean {
  return !filter || (!filter.accounts?.length && !filter.assetClasses?.length && !filter.symbols?.length);
}

/** 1 for each segment inside the filter. */
export function selectSegments(p: Portfolio, filter?: Filter): Uint8Array {
  const mask = new Uint8Array(p.segments.length);
  const accounts = filter?.accounts?.length ? new Set(filter.accounts) : null;
  const classes = filter?.assetClasses?.length ? new Set(filter.assetClasses) : null;
  const symbols = filter?.symbols?.length ? new Set(filter.symbols) : null;
  for (const s of p.segments) {
    if (accounts && !accounts.has(s.accountId)) continue;
    if (s.kind === 'cash') {
      if (symbols || (classes && !classes.has(CASH_CLASS))) continue;
    } else {
      if (symbols && !symbols.has(s.symbol!)) continue;
      if (classes && !classes.has(p.instruments.get(s.symbol!)?.assetClass ?? 'UNKNOWN')) continue;
    }
    mask[s.index] = 1;
  }
  return mask;
}

/** Value and external flows of a selection for the days base … end (index 0 = base). */
export interface Aggregate {
  readonly base: Day;
  readonly value: Float64Array;
  /** Money put in on each day (counted at the start of the day). */
  readonly inflow: Float64Array;
  /** Money taken out on each day (counted at the end of the day). */
  readonly outflow: Float64Array;
}

/**
 * Sums the selected segments' values and the flows that cross the selection's boundary:
 * a buy is internal to an account that tracks cash but an inflow to the holding it buys.
 */
export function aggregate(p: Portfolio, mask: Uint8Array, base: Day, end: Day, filter?: Filter): Aggregate {
  const len = end - base + 1;
  const off = base - p.startDay;
  const value = new Float64Array(len);
  if (isAll(filter)) {
    value.set(p.total.subarray(off, off + len));
  } else {
    for (const s of p.segmentOrder) {
      if (!mask[s]) continue;
      const v = p.segments[s]!.value;
      for (let i = 0; i < len; i++) value[i]! += v[off + i]!;
    }
  }
  const inflow = new Float64Array(len);
  const outflow = new Float64Array(len);
  for (const key of p.ledgerOrder) {
    const f = p.ledgers.get(key)!.flows;
    for (let k = 0; k < f.length; k++) {
      const i = f.day[k]! - base;
      if (i <= 0 || i >= len) continue;
      const from = f.from[k]!;
      const to = f.to[k]!;
      const fromIn = from >= 0 && mask[from] === 1;
      const toIn = to >= 0 && mask[to] === 1;
      if (fromIn === toIn) continue;
      let amount = f.amount[k]!;
      let incoming = toIn;
      if (amount < 0) {
        // A negative flow (a refund, a correction) is money going the other way.
        amount = -amount;
        incoming = !incoming;
      }
      if (incoming) inflow[i]! += amount;
      else outflow[i]! += amount;
    }
  }
  return { base, value, inflow, outflow };
}
