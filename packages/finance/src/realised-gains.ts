import { ZERO, type Decimal } from './decimal.js';
import { addYears, civilFromDay, dayFromCivil, daysInMonth, formatDate, type Day } from './dates.js';
import type { Portfolio } from './state.js';
import type { CostBasisMethod } from './types.js';

/** One lot (or part) sold. Local amounts in the instrument's currency, `…Base` in base currency. */
export interface RealisedGainEntry {
  accountId: string;
  symbol: string;
  currency: string;
  method: CostBasisMethod;
  /** Acquisition date (AVERAGE: the date the pool was opened). */
  acquired: string;
  sold: string;
  quantity: string;
  proceeds: string;
  cost: string;
  gain: string;
  proceedsBase: string;
  costBase: string;
  gainBase: string;
  holdingDays: number;
  /** Held for more than a year (sold after the anniversary of the acquisition). */
  longTerm: boolean;
  activityId: string;
}

export interface TaxYearGains {
  /** "2024", or "2024/25" for a tax year that does not start on 1 January. */
  taxYear: string;
  from: string;
  to: string;
  proceeds: string;
  cost: string;
  gain: string;
  shortTermGain: string;
  longTermGain: string;
  entries: RealisedGainEntry[];
}

export interface RealisedGainsQuery {
  /** First day of the tax year as MM-DD (UK: "04-06", Australia: "07-01"); default "01-01". */
  taxYearStart?: string;
  accounts?: readonly string[];
  symbols?: readonly string[];
}

/**
 * Realised gains per tax year, exact, in base currency (cost at the FX rate of each
 * purchase, proceeds at the FX rate of the sale) with the per-lot detail.
 */
export function realisedGains(p: Portfolio, query: RealisedGainsQuery = {}): { baseCurrency: string; years: TaxYearGains[] } {
  const [sm, sd] = (query.taxYearStart ?? '01-01').split('-').map(Number) as [number, number];
  if (!(sm >= 1 && sm <= 12 && sd >= 1 && sd <= 31)) throw new RangeError(`taxYearStart must be MM-DD, got ${query.taxYearStart}`);
  const startOf = (year: number): Day => dayFromCivil(year, sm, Math.min(sd, daysInMonth(year, sm)));
  const accounts = query.accounts?.length ? new Set(query.accounts) : null;
  const symbols = query.symbols?.length ? new Set(query.symbols) : null;
  const years = new Map<number, { proceeds: Decimal; cost: Decimal; short: Decimal; long: Decimal; entries: RealisedGainEntry[] }>();
  for (const key of p.ledgerOrder) {
    for (const r of p.ledgers.get(key)!.realised) {
      if ((accounts && !accounts.has(r.accountId)) || (symbols && !symbols.has(r.symbol))) continue;
      const c = civilFromDay(r.sold);
      const taxYear = r.sold >= startOf(c.year) ? c.year : c.year - 1;
      let y = years.get(taxYear);
      if (!y) {
        y = { proceeds: ZERO, cost: ZERO, short: ZERO, long: ZERO, entries: [] };
        years.set(taxYear, y);
      }
      const gainBase = r.proceedsBase.sub(r.costBase);
      const longTerm = r.sold > addYears(r.acquired, 1);
      y.proceeds = y.proceeds.add(r.proceedsBase);
      y.cost = y.cost.add(r.costBase);
      if (longTerm) y.long = y.long.add(gainBase);
      else y.short = y.short.add(gainBase);
      y.entries.push({
        accountId: r.accountId,
        symbol: r.symbol,
        currency: r.currency,
        method: r.method,
        acquired: formatDate(r.acquired),
        sold: formatDate(r.sold),
        quantity: r.quantity.toString(),
        proceeds: r.proceeds.toString(),
        cost: r.cost.toString(),
        gain: r.proceeds.sub(r.cost).toString(),
        proceedsBase: r.proceedsBase.toString(),
        costBase: r.costBase.toString(),
        gainBase: gainBase.toString(),
        holdingDays: r.sold - r.acquired,
        longTerm,
        activityId: r.activityId,
      });
    }
  }
  const label = (y: number): string => (sm === 1 && sd === 1 ? String(y) : `${y}/${String((y + 1) % 100).padStart(2, '0')}`);
  return {
    baseCurrency: p.baseCurrency,
    years: [...years.keys()]
      .sort((a, b) => a - b)
      .map((year) => {
        const y = years.get(year)!;
        y.entries.sort((a, b) => (a.sold < b.sold ? -1 : a.sold > b.sold ? 1 : 0));
        return {
          taxYear: label(year),
          from: formatDate(startOf(year)),
          to: formatDate(startOf(year + 1) - 1),
          proceeds: y.proceeds.toString(),
          cost: y.cost.toString(),
          gain: y.proceeds.sub(y.cost).toString(),
          shortTermGain: y.short.toString(),
          longTermGain: y.long.toString(),
          entries: y.entries,
        };
      }),
  };
}
