import { readFileSync } from 'node:fs';
import { buildPortfolio, type PortfolioInput } from '../portfolio.js';
import type { Portfolio } from '../state.js';
import type { Account, Activity, DatedValue, Instrument } from '../types.js';

export type Act = Omit<Activity, 'id' | 'accountId'> & { id?: string; accountId?: string };

/** Activities with ids a1, a2, … and account "acc" unless given. */
export function acts(list: readonly Act[]): Activity[] {
  return list.map((a, i) => ({ ...a, id: a.id ?? `a${i + 1}`, accountId: a.accountId ?? 'acc' }));
}

export interface Setup {
  base?: string;
  asOf: string;
  accounts?: Account[];
  instruments?: Instrument[];
  activities: readonly Act[];
  prices?: Record<string, DatedValue[]>;
  fx?: Record<string, DatedValue[]>;
}

export function input(s: Setup): PortfolioInput {
  return {
    baseCurrency: s.base ?? 'USD',
    asOf: s.asOf,
    accounts: s.accounts ?? [{ id: 'acc', currency: s.base ?? 'USD', tracksCash: true }],
    instruments: s.instruments ?? [],
    activities: acts(s.activities),
    prices: s.prices ?? {},
    fx: s.fx ?? {},
  };
}

export function build(s: Setup): Portfolio {
  return buildPortfolio(input(s));
}

/** Price series from `date value` pairs. */
export function series(...points: [string, string][]): DatedValue[] {
  return points;
}

/** GOOG daily closes (backtesting.py sample data; see the file's header). */
export function googCloses(): DatedValue[] {
  const text = readFileSync(new URL('./data/goog-close.csv', import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((l) => /^\d{4}-/.test(l))
    .map((l) => {
      const [d, c] = l.split(',');
      return [d!, c!.trim()] as const;
    });
}
