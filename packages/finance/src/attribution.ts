import { fxOn, fxTrack } from './context.js';
import { formatDate } from './dates.js';
import { ledgerEffects, type ActivityEffect } from './effects.js';
import type { PerformanceQuery } from './performance.js';
import { resolveRange } from './ranges.js';
import { selectSegments } from './selection.js';
import type { Portfolio } from './state.js';

/** Where a gain came from, in base currency. `total` is the measured gain of the part. */
export interface AttributionParts {
  /** Price moves of the shares held, plus trading at a price other than the day's close. */
  priceGain: number;
  /** Dividends and interest, gross of withholding tax. */
  income: number;
  /** FX moves on holdings and cash, and gains or losses converting cash between currencies. */
  currencyEffect: number;
  fees: number;
  taxes: number;
  /** Value at end − value at start − money put in + money taken out. */
  total: number;
}

export interface AttributionResult {
  range: { from: string; to: string };
  /** Sum over the part of the portfolio selected; `total` equals performance().absoluteGain. */
  total: AttributionParts;
  /** Per instrument (over the selected accounts). */
  holdings: (AttributionParts & { symbol: string })[];
  /** Per cash currency (over the selected accounts): interest, account fees, FX on cash. */
  cash: (AttributionParts & { currency: string })[];
}

function zero(): AttributionParts {
  return { priceGain: 0, income: 0, currencyEffect: 0, fees: 0, taxes: 0, total: 0 };
}

function addInto(into: AttributionParts, from: AttributionParts): void {
  into.priceGain += from.priceGain;
  into.income += from.income;
  into.currencyEffect += from.currencyEffect;
  into.fees += from.fees;
  into.taxes += from.taxes;
  into.total += from.total;
}

/**
 * Splits the gain over a range into price gain + income + currency effect − fees − taxes,
 * per holding, per cash currency and in total. Each part is computed on its own from
 * quantities, prices, FX rates and activities day by day, so that the identity
 * `priceGain + income + currencyEffect − fees − taxes = total` is a check, not a definition.
 */
export function attribution(p: Portfolio, query: PerformanceQuery = {}): AttributionResult {
  const range = resolveRange(query.range ?? 'MAX', p.asOf, p.startDay);
  const mask = selectSegments(p, query.filter);
  const b = range.base - p.startDay;
  const e = range.end - p.startDay;
  const effects = new Map<number, ActivityEffect[]>();
  for (const key of p.ledgerOrder) {
    for (const eff of ledgerEffects(p, key)) {
      if (!mask[eff.segment] || eff.activity.day <= range.base || eff.activity.day > range.end) continue;
      let list = effects.get(eff.segment);
      if (!list) {
        list = [];
        effects.set(eff.segment, list);
      }
      list.push(eff);
    }
  }
  const flowsIn = new Float64Array(p.segments.length);
  const flowsOut = new Float64Array(p.segments.length);
  for (const key of p.ledgerOrder) {
    const f = p.ledgers.get(key)!.flows;
    for (let k = 0; k < f.length; k++) {
      const d = f.day[k]!;
      if (d <= range.base || d > range.end) continue;
      const from = f.from[k]!;
      const to = f.to[k]!;
      if (to >= 0 && mask[to]) flowsIn[to]! += f.amount[k]!;
      if (from >= 0 && mask[from]) flowsOut[from]! += f.amount[k]!;
    }
  }
  const holdings = new Map<string, AttributionParts>();
  const cash = new Map<string, AttributionParts>();
  const total = zero();
  for (const s of p.segmentOrder) {
    if (!mask[s]) continue;
    const seg = p.segments[s]!;
    const parts = zero();
    const fx = fxTrack(p, seg.currency);
    const list = effects.get(s) ?? [];
    let k = 0;
    const track = seg.kind === 'position' ? p.prices.get(seg.symbol!) : undefined;
    if (seg.kind === 'position' && !track) continue;
    const price = track ? track.price : null;
    for (let i = b + 1; i <= e; i++) {
      const day = p.startDay + i;
      let split = 1;
      const start = k;
      while (k < list.length && list[k]!.activity.day === day) split *= list[k++]!.split;
      const prev = seg.quantity[i - 1]!;
      if (price) {
        const open = prev * split;
        if (open !== 0) {
          parts.priceGain += open * (price[i]! - price[i - 1]! / split) * fx[i - 1]!;
          parts.currencyEffect += open * price[i]! * (fx[i]! - fx[i - 1]!);
        }
      } else if (prev !== 0) {
        parts.currencyEffect += prev * (fx[i]! - fx[i - 1]!);
      }
      for (let j = start; j < k; j++) {
        const eff = list[j]!;
        const a = eff.activity;
        const fxA = fxOn(p, a.currency, day);
        if (price && (!eff.bought.isZero() || !eff.sold.isZero())) {
          const traded = eff.bought.toNumber() - eff.sold.toNumber();
          const signedGross = (eff.bought.isZero() ? -1 : 1) * eff.gross.toNumber();
          // Shares entered or left at the trade price instead of the day's close.
          parts.priceGain += traded * price[i]! * fx[i]! - signedGross * fxA;
        }
        parts.income += eff.income.toNumber() * fxA;
        parts.fees += eff.fees.toNumber() * fxA;
        parts.taxes += eff.taxes.toNumber() * fxA;
        if (eff.conversionFrom) {
          const from = eff.conversionFrom;
          parts.currencyEffect += a.amount!.toNumber() * fxA - from.amount!.toNumber() * fxOn(p, from.currency, from.day);
        }
      }
    }
    parts.total = seg.value[e]! - seg.value[b]! - flowsIn[s]! + flowsOut[s]!;
    // A segment with nothing in the range (e.g. left over after its activities were deleted) adds nothing.
    if (list.length === 0 && Object.values(parts).every((v) => v === 0)) continue;
    const groups = seg.kind === 'position' ? holdings : cash;
    const name = seg.kind === 'position' ? seg.symbol! : seg.currency;
    let g = groups.get(name);
    if (!g) {
      g = zero();
      groups.set(name, g);
    }
    addInto(g, parts);
    addInto(total, parts);
  }
  return {
    range: { from: formatDate(range.base), to: formatDate(range.end) },
    total,
    holdings: [...holdings].sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([symbol, parts]) => ({ symbol, ...parts })),
    cash: [...cash].sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([currency, parts]) => ({ currency, ...parts })),
  };
}
