import { fxExact, toBaseExact } from './context.js';
import { ZERO, type Decimal } from './decimal.js';
import { formatDate, parseDate, type Day } from './dates.js';
import { ledgerEffects } from './effects.js';
import { positionHistories } from './portfolio.js';
import { exactPriceAt } from './prices.js';
import { selectSegments, type Filter } from './selection.js';
import type { Portfolio, Provenance } from './state.js';
import { upperBound } from './timeline.js';

/** One holding (in one account, or over all selected accounts). Amounts are exact decimal strings. */
export interface HoldingSummary {
  symbol: string;
  name: string;
  assetClass: string;
  /** Instrument currency. */
  currency: string;
  quantity: string;
  /** Price in effect on the date, null if none is known. */
  price: string | null;
  priceDate: string | null;
  provenance: Provenance;
  /** Market value in the instrument's currency. */
  value: string;
  /** Market value in base currency at the day's FX rate. */
  valueBase: string;
  /** Cost of the open lots (fees and taxes included), instrument currency and base currency at purchase FX. */
  costBasis: string;
  costBasisBase: string;
  /** valueBase − costBasisBase: includes the currency effect since purchase. */
  unrealisedGain: string;
  /** Realised on sales up to the date, base currency at the FX of each purchase and sale. */
  realisedGain: string;
  /** Dividends and interest, gross, base currency. */
  income: string;
  fees: string;
  taxes: string;
  /** Share of the total value of the view (float). */
  weight: number;
}

export interface CashSummary {
  currency: string;
  balance: string;
  valueBase: string;
  weight: number;
}

export interface HoldingsGroup {
  holdings: HoldingSummary[];
  cash: CashSummary[];
  /** Total value in base currency. */
  value: string;
  costBasis: string;
  unrealisedGain: string;
  realisedGain: string;
  income: string;
  fees: string;
  taxes: string;
}

export interface HoldingsResult {
  date: string;
  baseCurrency: string;
  accounts: (HoldingsGroup & { accountId: string })[];
  total: HoldingsGroup;
}

interface Row {
  symbol: string;
  quantity: Decimal;
  value: Decimal;
  valueBase: Decimal;
  cost: Decimal;
  costBase: Decimal;
  realised: Decimal;
  income: Decimal;
  fees: Decimal;
  taxes: Decimal;
  price: { price: Decimal; observed: Day; provenance: Provenance } | null;
}

/**
 * Holdings per account and in total on a date (default `asOf`), exactly: quantity, value,
 * cost basis, unrealised and realised gain, income, fees, taxes and weight. A position
 * closed before the date still appears if it had activity, with quantity 0.
 */
export function holdings(p: Portfolio, options: { date?: string; filter?: Filter } = {}): HoldingsResult {
  const date = Math.min(options.date ? parseDate(options.date) : p.asOf, p.asOf);
  const mask = selectSegments(p, options.filter);
  const histories = positionHistories(p);
  const perAccount = new Map<string, { rows: Row[]; cash: { currency: string; balance: Decimal; valueBase: Decimal }[] }>();
  const group = (accountId: string): { rows: Row[]; cash: { currency: string; balance: Decimal; valueBase: Decimal }[] } => {
    let g = perAccount.get(accountId);
    if (!g) {
      g = { rows: [], cash: [] };
      perAccount.set(accountId, g);
    }
    return g;
  };
  // Income, fees and taxes per segment, exact in base currency.
  const byEffect = new Map<number, { income: Decimal; fees: Decimal; taxes: Decimal }>();
  for (const key of p.ledgerOrder) {
    for (const e of ledgerEffects(p, key)) {
      const a = e.activity;
      if (a.day > date || !mask[e.segment]) continue;
      let acc = byEffect.get(e.segment);
      if (!acc) {
        acc = { income: ZERO, fees: ZERO, taxes: ZERO };
        byEffect.set(e.segment, acc);
      }
      acc.income = acc.income.add(toBaseExact(p, e.income, a.currency, a.day, a.fxRate));
      acc.fees = acc.fees.add(toBaseExact(p, e.fees, a.currency, a.day, a.fxRate));
      acc.taxes = acc.taxes.add(toBaseExact(p, e.taxes, a.currency, a.day, a.fxRate));
    }
  }
  const realised = new Map<string, Decimal>();
  for (const key of p.ledgerOrder) {
    for (const r of p.ledgers.get(key)!.realised) {
      if (r.sold > date) continue;
      const k = `${r.accountId}|${r.symbol}`;
      realised.set(k, (realised.get(k) ?? ZERO).add(r.proceedsBase.sub(r.costBase)));
    }
  }
  for (const s of p.segmentOrder) {
    if (!mask[s]) continue;
    const seg = p.segments[s]!;
    const effects = byEffect.get(s);
    if (seg.kind === 'cash') {
      const h = p.cash.get(s);
      const k = h ? upperBound(h.days, date) - 1 : -1;
      if (k < 0 || !h) continue;
      const balance = h.balance[k]!;
      group(seg.accountId).cash.push({ currency: seg.currency, balance, valueBase: balance.mul(fxExact(p, seg.currency, date)) });
      continue;
    }
    const symbol = seg.symbol!;
    const h = histories.get(s);
    const k = h ? upperBound(h.days, date) - 1 : -1;
    const real = realised.get(`${seg.accountId}|${symbol}`) ?? ZERO;
    if (k < 0 && !effects && real.isZero()) continue;
    const quantity = k >= 0 ? h!.quantity[k]! : ZERO;
    const price = exactPriceAt(p, symbol, date);
    const value = price ? quantity.mul(price.price) : ZERO;
    group(seg.accountId).rows.push({
      symbol,
      quantity,
      value,
      valueBase: value.mul(fxExact(p, seg.currency, date)),
      cost: k >= 0 ? h!.cost[k]! : ZERO,
      costBase: k >= 0 ? h!.costBase[k]! : ZERO,
      realised: real,
      income: effects?.income ?? ZERO,
      fees: effects?.fees ?? ZERO,
      taxes: effects?.taxes ?? ZERO,
      price,
    });
  }
  const accounts = [...perAccount.keys()].sort().map((accountId) => {
    const g = perAccount.get(accountId)!;
    return { accountId, ...summarise(p, g.rows, g.cash) };
  });
  const merged = new Map<string, Row>();
  const mergedCash = new Map<string, { currency: string; balance: Decimal; valueBase: Decimal }>();
  for (const g of perAccount.values()) {
    for (const r of g.rows) {
      const m = merged.get(r.symbol);
      merged.set(
        r.symbol,
        m
          ? {
              ...m,
              quantity: m.quantity.add(r.quantity),
              value: m.value.add(r.value),
              valueBase: m.valueBase.add(r.valueBase),
              cost: m.cost.add(r.cost),
              costBase: m.costBase.add(r.costBase),
              realised: m.realised.add(r.realised),
              income: m.income.add(r.income),
              fees: m.fees.add(r.fees),
              taxes: m.taxes.add(r.taxes),
            }
          : r,
      );
    }
    for (const c of g.cash) {
      const m = mergedCash.get(c.currency);
      mergedCash.set(c.currency, m ? { currency: c.currency, balance: m.balance.add(c.balance), valueBase: m.valueBase.add(c.valueBase) } : c);
    }
  }
  return {
    date: formatDate(date),
    baseCurrency: p.baseCurrency,
    accounts,
    total: summarise(p, [...merged.values()], [...mergedCash.values()]),
  };
}

function summarise(p: Portfolio, rows: Row[], cash: { currency: string; balance: Decimal; valueBase: Decimal }[]): HoldingsGroup {
  rows.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  cash.sort((a, b) => (a.currency < b.currency ? -1 : 1));
  let value = ZERO;
  let cost = ZERO;
  let realised = ZERO;
  let income = ZERO;
  let fees = ZERO;
  let taxes = ZERO;
  for (const r of rows) {
    value = value.add(r.valueBase);
    cost = cost.add(r.costBase);
    realised = realised.add(r.realised);
    income = income.add(r.income);
    fees = fees.add(r.fees);
    taxes = taxes.add(r.taxes);
  }
  const holdingsValue = value;
  for (const c of cash) value = value.add(c.valueBase);
  const totalValue = value.toNumber();
  const weight = (v: Decimal): number => (totalValue === 0 ? 0 : v.toNumber() / totalValue);
  return {
    holdings: rows.map((r) => {
      const inst = p.instruments.get(r.symbol)!;
      return {
        symbol: r.symbol,
        name: inst.name,
        assetClass: inst.assetClass,
        currency: inst.currency,
        quantity: r.quantity.toString(),
        price: r.price ? r.price.price.toString() : null,
        priceDate: r.price ? formatDate(r.price.observed) : null,
        provenance: r.price ? r.price.provenance : 'none',
        value: r.value.toString(),
        valueBase: r.valueBase.toString(),
        costBasis: r.cost.toString(),
        costBasisBase: r.costBase.toString(),
        unrealisedGain: r.valueBase.sub(r.costBase).toString(),
        realisedGain: r.realised.toString(),
        income: r.income.toString(),
        fees: r.fees.toString(),
        taxes: r.taxes.toString(),
        weight: weight(r.valueBase),
      };
    }),
    cash: cash.map((c) => ({ currency: c.currency, balance: c.balance.toString(), valueBase: c.valueBase.toString(), weight: weight(c.valueBase) })),
    value: value.toString(),
    costBasis: cost.toString(),
    unrealisedGain: holdingsValue.sub(cost).toString(),
    realisedGain: realised.toString(),
    income: income.toString(),
    fees: fees.toString(),
    taxes: taxes.toString(),
  };
}
