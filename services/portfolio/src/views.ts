import {
  attribution,
  compareWithBenchmark,
  diagnostics,
  formatDate,
  holdings,
  holdingTimeline,
  performance,
  performanceByYear,
  realisedGains,
  risk,
  toDecimal,
  ZERO,
  type DatedValue,
  type Decimal,
  type Filter,
  type RangeSpec,
} from '@meridian/finance';
import type { MarketCache } from './market.js';
import type { UserView } from './engine.js';

/** Money as the user reconciles it: exact, at most 2 decimals beyond the currency's need trimmed. */
function money(d: Decimal | string): string {
  return (typeof d === 'string' ? toDecimal(d) : d).toFixed(2);
}

/** Floats of derived series, rounded so a chart's payload stays small. */
function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function ratio(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : round(x, 8);
}

const STALE_AFTER_DAYS = 5;

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Net worth, today's change, totals, cash and per-account values, with price caveats. */
export function summaryOf(view: UserView, market: MarketCache) {
  const p = view.portfolio;
  const h = holdings(p);
  const day = performance(p, { range: '1D', series: false });
  const max = performance(p, { range: 'MAX', series: false });
  const stale: string[] = [];
  const manual: string[] = [];
  let simulated = false;
  for (const row of h.total.holdings) {
    if (toDecimal(row.quantity).isZero()) continue;
    if (market.instrument(view.userId, row.symbol)?.manual || row.provenance === 'manual') manual.push(row.symbol);
    else if (!row.priceDate || daysBetween(row.priceDate, view.asOf) > STALE_AFTER_DAYS) stale.push(row.symbol);
    if (market.isSimulated(view.userId, row.symbol)) simulated = true;
  }
  return {
    baseCurrency: view.baseCurrency,
    asOf: view.asOf,
    version: view.version,
    netWorth: money(h.total.value),
    dayChange: round(day.absoluteGain),
    dayChangePct: ratio(day.twr),
    netContribution: round(max.inflows - max.outflows),
    costBasis: money(h.total.costBasis),
    unrealizedGain: money(h.total.unrealisedGain),
    realizedGain: money(h.total.realisedGain),
    income: money(h.total.income),
    fees: money(h.total.fees),
    taxes: money(h.total.taxes),
    cash: h.total.cash.map((c) => ({ currency: c.currency, amount: c.balance, value: money(c.valueBase) })),
    accounts: h.accounts.map((a) => {
      const acc = view.accounts.get(a.accountId);
      return { accountId: a.accountId, name: acc?.name ?? a.accountId, currency: acc?.currency ?? view.baseCurrency, value: money(a.value) };
    }),
    holdingsCount: h.total.holdings.filter((r) => !toDecimal(r.quantity).isZero()).length,
    prices: { simulated, stale, manual },
    diagnostics: diagnostics(p).slice(0, 50),
  };
}

export function holdingsOf(view: UserView, market: MarketCache, accountId?: string) {
  const p = view.portfolio;
  const filter: Filter | undefined = accountId ? { accounts: [accountId] } : undefined;
  const h = holdings(p, filter ? { filter } : {});
  const day = new Map<string, number>();
  for (const row of h.total.holdings) {
    if (toDecimal(row.quantity).isZero()) continue;
    const perf = performance(p, { range: '1D', series: false, filter: { ...filter, symbols: [row.symbol] } });
    day.set(row.symbol, perf.absoluteGain);
  }
  return {
    baseCurrency: view.baseCurrency,
    asOf: view.asOf,
    version: view.version,
    holdings: h.total.holdings.map((row) => {
      const meta = market.instrument(view.userId, row.symbol);
      return {
        symbol: row.symbol,
        name: meta?.name ?? row.name,
        assetClass: row.assetClass,
        currency: row.currency,
        quantity: row.quantity,
        price: row.price,
        priceDate: row.priceDate,
        priceSource: row.provenance,
        simulated: market.isSimulated(view.userId, row.symbol),
        manual: meta?.manual ?? false,
        stale: !toDecimal(row.quantity).isZero() && (!row.priceDate || daysBetween(row.priceDate, view.asOf) > STALE_AFTER_DAYS),
        value: money(row.valueBase),
        valueLocal: row.value,
        costBasis: money(row.costBasisBase),
        unrealizedGain: money(row.unrealisedGain),
        realizedGain: money(row.realisedGain),
        income: money(row.income),
        fees: money(row.fees),
        taxes: money(row.taxes),
        weight: round(row.weight, 6),
        dayChange: round(day.get(row.symbol) ?? 0),
      };
    }),
    cash: h.total.cash.map((c) => ({ currency: c.currency, amount: c.balance, value: money(c.valueBase), weight: round(c.weight, 6) })),
    total: {
      value: money(h.total.value),
      costBasis: money(h.total.costBasis),
      unrealizedGain: money(h.total.unrealisedGain),
      realizedGain: money(h.total.realisedGain),
      income: money(h.total.income),
    },
  };
}

/** One holding: lots, its activities and its daily price/quantity/value series. */
export function holdingOf(view: UserView, market: MarketCache, symbol: string, accountId?: string) {
  const p = view.portfolio;
  if (!p.instruments.has(symbol)) return null;
  const filter: Filter = { symbols: [symbol], ...(accountId ? { accounts: [accountId] } : {}) };
  const row = holdings(p, { filter }).total.holdings.find((r) => r.symbol === symbol);
  const lots: { accountId: string; acquired: string; quantity: string; costBasis: string; activityId: string }[] = [];
  for (const ledger of p.ledgers.values()) {
    for (const pos of ledger.positions) {
      if (pos.symbol !== symbol || (accountId && pos.accountId !== accountId)) continue;
      for (const lot of pos.lots) {
        lots.push({
          accountId: pos.accountId,
          acquired: formatDate(lot.acquired),
          quantity: lot.quantity.toString(),
          costBasis: money(lot.costBase),
          activityId: lot.activityId,
        });
      }
    }
  }
  const t = holdingTimeline(p, symbol, accountId);
  const series: { date: string; price: number | null; quantity: number; value: number }[] = [];
  const start = Date.parse(`${t.startDate}T00:00:00Z`);
  for (let i = 0; i < t.quantity.length; i++) {
    series.push({
      date: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
      price: t.provenance[i] === 0 ? null : round(t.price[i]!, 6),
      quantity: round(t.quantity[i]!, 8),
      value: round(t.value[i]!),
    });
  }
  const meta = market.instrument(view.userId, symbol);
  return {
    symbol,
    name: meta?.name ?? symbol,
    assetClass: row?.assetClass ?? meta?.assetClass ?? 'UNKNOWN',
    currency: t.currency,
    sector: meta?.sector ?? null,
    country: meta?.country ?? null,
    simulated: market.isSimulated(view.userId, symbol),
    manual: meta?.manual ?? false,
    quantity: row?.quantity ?? '0',
    price: row?.price ?? null,
    priceDate: row?.priceDate ?? null,
    value: money(row?.valueBase ?? ZERO),
    costBasis: money(row?.costBasisBase ?? ZERO),
    unrealizedGain: money(row?.unrealisedGain ?? ZERO),
    realizedGain: money(row?.realisedGain ?? ZERO),
    income: money(row?.income ?? ZERO),
    lots,
    activities: [...view.activities.values()]
      .filter((a) => a.symbol === symbol && (!accountId || a.account_id === accountId))
      .map((a) => ({ id: a.activity_id, accountId: a.account_id, type: a.type, date: a.date, quantity: a.quantity, unitPrice: a.unit_price, amount: a.amount, fee: a.fee, currency: a.currency })),
    series,
  };
}

export interface Selection {
  range: RangeSpec;
  filter: Filter;
}

export function performanceOf(view: UserView, sel: Selection) {
  const r = performance(view.portfolio, { range: sel.range, filter: sel.filter });
  return {
    baseCurrency: view.baseCurrency,
    version: view.version,
    range: r.range.label,
    from: r.range.from,
    to: r.range.to,
    twr: round(r.twr, 8),
    mwr: ratio(r.mwr),
    modifiedDietz: ratio(r.modifiedDietz),
    absoluteGain: round(r.absoluteGain),
    startValue: round(r.startValue),
    endValue: round(r.endValue),
    inflows: round(r.inflows),
    outflows: round(r.outflows),
    annualised: r.annualised ? { twr: ratio(r.annualised.twr), mwr: ratio(r.annualised.mwr), modifiedDietz: ratio(r.annualised.modifiedDietz) } : null,
    series: r.series.map((s) => ({ date: s.date, value: round(s.value), netContribution: round(s.netContribution), twrIndex: round(s.twrIndex, 8) })),
  };
}

export function yearsOf(view: UserView, filter: Filter) {
  return {
    baseCurrency: view.baseCurrency,
    years: performanceByYear(view.portfolio, { filter }).map((y) => ({
      year: y.year,
      from: y.range.from,
      to: y.range.to,
      twr: round(y.twr, 8),
      mwr: ratio(y.mwr),
      modifiedDietz: ratio(y.modifiedDietz),
      absoluteGain: round(y.absoluteGain),
    })),
  };
}

export function attributionOf(view: UserView, sel: Selection) {
  const a = attribution(view.portfolio, { range: sel.range, filter: sel.filter });
  const parts = (x: { priceGain: number; income: number; currencyEffect: number; fees: number; taxes: number; total: number }) => ({
    price: round(x.priceGain),
    income: round(x.income),
    currency: round(x.currencyEffect),
    fees: round(x.fees),
    taxes: round(x.taxes),
    total: round(x.total),
  });
  return {
    baseCurrency: view.baseCurrency,
    from: a.range.from,
    to: a.range.to,
    ...parts(a.total),
    holdings: a.holdings.map((h) => ({ symbol: h.symbol, ...parts(h) })),
    cash: a.cash.map((c) => parts(c) && { ...parts(c), currency: c.currency }),
  };
}

export function allocationsOf(view: UserView, market: MarketCache, accountId?: string) {
  const h = holdings(view.portfolio, accountId ? { filter: { accounts: [accountId] } } : {});
  const total = toDecimal(h.total.value);
  const groups = { assetClass: new Map<string, Decimal>(), currency: new Map<string, Decimal>(), account: new Map<string, Decimal>(), sector: new Map<string, Decimal>(), country: new Map<string, Decimal>() };
  const add = (m: Map<string, Decimal>, key: string, v: Decimal) => m.set(key, (m.get(key) ?? ZERO).add(v));
  for (const a of h.accounts) {
    const name = view.accounts.get(a.accountId)?.name ?? a.accountId;
    add(groups.account, name, toDecimal(a.value));
    for (const row of a.holdings) {
      const v = toDecimal(row.valueBase);
      if (v.isZero()) continue;
      const meta = market.instrument(view.userId, row.symbol);
      add(groups.assetClass, row.assetClass, v);
      add(groups.currency, row.currency, v);
      add(groups.sector, meta?.sector ?? 'Unknown', v);
      add(groups.country, meta?.country ?? 'Unknown', v);
    }
    for (const c of a.cash) {
      const v = toDecimal(c.valueBase);
      if (v.isZero()) continue;
      add(groups.assetClass, 'CASH', v);
      add(groups.currency, c.currency, v);
      add(groups.sector, 'Cash', v);
      add(groups.country, 'Cash', v);
    }
  }
  const slices = (m: Map<string, Decimal>) =>
    [...m.entries()]
      .map(([key, value]) => ({ key, value: money(value), weight: total.isZero() ? 0 : round(value.toNumber() / total.toNumber(), 6) }))
      .sort((x, y) => y.weight - x.weight);
  return {
    baseCurrency: view.baseCurrency,
    total: money(total),
    assetClass: slices(groups.assetClass),
    currency: slices(groups.currency),
    account: slices(groups.account),
    sector: slices(groups.sector),
    country: slices(groups.country),
  };
}

export function riskOf(view: UserView, sel: Selection, benchmark: readonly DatedValue[] | null) {
  const r = risk(view.portfolio, { range: sel.range, filter: sel.filter, ...(benchmark && benchmark.length > 1 ? { benchmark } : {}) });
  const perf = performance(view.portfolio, { range: sel.range, filter: sel.filter });
  let peak = 0;
  const drawdown = perf.series.map((s) => {
    peak = Math.max(peak, s.twrIndex);
    return { date: s.date, drawdown: peak > 0 ? round(s.twrIndex / peak - 1, 6) : 0 };
  });
  return {
    baseCurrency: view.baseCurrency,
    from: r.range.from,
    to: r.range.to,
    volatility: ratio(r.volatility),
    sharpe: ratio(r.sharpe),
    sortino: ratio(r.sortino),
    maxDrawdown: {
      depth: round(r.drawdown.maxDrawdown, 8),
      peak: r.drawdown.peak,
      trough: r.drawdown.trough,
      recovered: r.drawdown.recovery,
      durationDays: r.drawdown.durationDays,
      longestDays: r.drawdown.longestDrawdownDays,
    },
    beta: ratio(r.beta),
    correlation: ratio(r.correlation),
    drawdown,
  };
}

export function benchmarkOf(view: UserView, sel: Selection, symbol: string, prices: readonly DatedValue[]) {
  const c = compareWithBenchmark(view.portfolio, prices, { range: sel.range, filter: sel.filter });
  return {
    symbol,
    from: c.range.from,
    to: c.range.to,
    portfolioReturn: round(c.portfolioReturn, 8),
    benchmarkReturn: round(c.benchmarkReturn, 8),
    beta: ratio(c.beta),
    correlation: ratio(c.correlation),
    series: c.series.map((s) => ({ date: s.date, portfolio: round(s.portfolio, 6), benchmark: round(s.benchmark, 6) })),
  };
}

export function realizedGainsOf(view: UserView, taxYearStart: string | undefined, accountId: string | undefined) {
  return realisedGains(view.portfolio, { ...(taxYearStart ? { taxYearStart } : {}), ...(accountId ? { accounts: [accountId] } : {}) });
}

function csvCell(v: string | number | boolean): string {
  const s = String(v);
  // A cell starting like a formula is neutralised (a negative number is not a formula).
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Realised gains, one line per lot sold, for a spreadsheet or a tax return. */
export function realizedGainsCsv(result: ReturnType<typeof realisedGains>): string {
  const header = ['taxYear', 'accountId', 'symbol', 'method', 'acquired', 'sold', 'holdingDays', 'longTerm', 'quantity', 'currency', 'proceeds', 'cost', 'gain', `proceeds${result.baseCurrency}`, `cost${result.baseCurrency}`, `gain${result.baseCurrency}`];
  const lines = [header.join(',')];
  for (const y of result.years) {
    for (const e of y.entries) {
      lines.push(
        [y.taxYear, e.accountId, e.symbol, e.method, e.acquired, e.sold, e.holdingDays, e.longTerm, e.quantity, e.currency, e.proceeds, e.cost, e.gain, e.proceedsBase, e.costBase, e.gainBase]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
