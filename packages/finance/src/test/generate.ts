import fc from 'fast-check';
import { toDecimal, ZERO, type Decimal } from '../decimal.js';
import { formatDate, parseDate } from '../dates.js';
import type { PortfolioInput } from '../portfolio.js';
import type { Account, Activity, DatedValue, Instrument } from '../types.js';

/** Three accounts: cash-tracking USD (FIFO), no cash (AVERAGE), cash-tracking EUR (FIFO). */
export const ACCOUNTS: Account[] = [
  { id: 'C', currency: 'USD', tracksCash: true },
  { id: 'N', currency: 'USD', tracksCash: false, costBasis: 'AVERAGE' },
  { id: 'E', currency: 'EUR', tracksCash: true },
];
export const INSTRUMENTS: Instrument[] = [
  { symbol: 'S1', currency: 'USD', assetClass: 'EQUITY' },
  { symbol: 'S2', currency: 'USD', assetClass: 'BOND' },
  { symbol: 'S3', currency: 'EUR', assetClass: 'EQUITY' },
];
const START = parseDate('2024-01-01');
export const DAYS = 40;
export const AS_OF = formatDate(START + DAYS);

type Kind = 'BUY' | 'SELL' | 'DIVIDEND' | 'FEE' | 'DEPOSIT' | 'WITHDRAWAL' | 'SPLIT' | 'MOVE' | 'CASH_MOVE' | 'INTEREST' | 'VALUATION';

export interface Intent {
  day: number;
  kind: Kind;
  account: number;
  other: number;
  symbol: number;
  units: number;
  cents: number;
}

export const intentArb: fc.Arbitrary<Intent> = fc.record({
  day: fc.integer({ min: 0, max: DAYS - 1 }),
  kind: fc.constantFrom<Kind>('BUY', 'BUY', 'BUY', 'SELL', 'SELL', 'DIVIDEND', 'FEE', 'DEPOSIT', 'WITHDRAWAL', 'SPLIT', 'MOVE', 'CASH_MOVE', 'INTEREST', 'VALUATION'),
  account: fc.integer({ min: 0, max: 2 }),
  other: fc.integer({ min: 0, max: 2 }),
  symbol: fc.integer({ min: 0, max: 2 }),
  units: fc.integer({ min: 1, max: 40 }),
  cents: fc.integer({ min: 100, max: 30000 }),
});

function walk(seed: number, start: number, skip: (i: number) => boolean): DatedValue[] {
  let x = seed;
  let p = start;
  const out: DatedValue[] = [];
  for (let i = -3; i <= DAYS; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    p = Math.max(1, p * (1 + ((x % 2001) - 1000) / 20000));
    if (!skip(i)) out.push([formatDate(START + i), p.toFixed(4)]);
  }
  return out;
}

/** Market data for the generated portfolios: weekday-ish gaps, USD base, EUR rates. */
export const MARKET = {
  prices: {
    S1: walk(1, 100, (i) => i % 7 === 5 || i % 7 === 6),
    S2: walk(2, 20, (i) => i % 3 === 0),
    S3: walk(3, 50, (i) => i % 7 === 6),
  },
  fx: { EUR: walk(4, 1.1, (i) => i % 5 === 0) },
};

/** What a valid sequence must leave: exact quantities, cash and cost, computed without lots. */
export interface Expected {
  quantity: Map<string, Decimal>;
  cash: Map<string, Decimal>;
  /** Per symbol: cost of all buys (instrument currency). */
  bought: Map<string, Decimal>;
}

/**
 * Turns random intents into a valid activity list (never sells or moves more than held), in
 * replay order, and tracks the exact quantities and cash a correct engine must end with.
 */
export function materialise(intents: readonly Intent[]): { activities: Activity[]; expected: Expected } {
  const sorted = intents
    .map((it, i) => ({ it, i }))
    .sort((a, b) => a.it.day - b.it.day || (a.it.kind === 'SPLIT' ? 0 : 1) - (b.it.kind === 'SPLIT' ? 0 : 1) || a.i - b.i);
  const quantity = new Map<string, Decimal>();
  const cash = new Map<string, Decimal>();
  const bought = new Map<string, Decimal>();
  const add = (m: Map<string, Decimal>, k: string, v: Decimal): void => {
    m.set(k, (m.get(k) ?? ZERO).add(v));
  };
  const activities: Activity[] = [];
  let n = 0;
  for (const { it } of sorted) {
    const acc = ACCOUNTS[it.account]!;
    const inst = INSTRUMENTS[it.symbol]!;
    const date = formatDate(START + it.day);
    const id = `g${n++}`;
    const qk = `${acc.id}|${inst.symbol}`;
    const held = quantity.get(qk) ?? ZERO;
    const price = toDecimal(String(it.cents)).div('100', 2);
    const payCash = (ccy: string, delta: Decimal): void => {
      if (acc.tracksCash) add(cash, `${acc.id}|${ccy}`, delta);
    };
    switch (it.kind) {
      case 'BUY': {
        const q = toDecimal(String(it.units));
        const fee = toDecimal(String(it.units % 3));
        activities.push({ id, accountId: acc.id, date, type: 'BUY', symbol: inst.symbol, quantity: q.toString(), unitPrice: price.toString(), fee: fee.toString() });
        add(quantity, qk, q);
        add(bought, inst.symbol, q.mul(price).add(fee));
        payCash(inst.currency, q.mul(price).add(fee).neg());
        break;
      }
      case 'SELL': {
        if (held.isZero()) break;
        const q = toDecimal(String(it.units)).lt(held) ? toDecimal(String(it.units)) : held;
        activities.push({ id, accountId: acc.id, date, type: 'SELL', symbol: inst.symbol, quantity: q.toString(), unitPrice: price.toString(), fee: '1' });
        add(quantity, qk, q.neg());
        payCash(inst.currency, q.mul(price).sub('1'));
        break;
      }
      case 'DIVIDEND': {
        const amount = toDecimal(String(it.cents)).div('1000', 3);
        activities.push({ id, accountId: acc.id, date, type: 'DIVIDEND', symbol: inst.symbol, amount: amount.toString(), tax: '0.1' });
        payCash(inst.currency, amount.sub('0.1'));
        break;
      }
      case 'INTEREST': {
        activities.push({ id, accountId: acc.id, date, type: 'INTEREST', amount: '0.37' });
        payCash(acc.currency, toDecimal('0.37'));
        break;
      }
      case 'FEE': {
        const withSymbol = it.units % 2 === 0;
        activities.push({ id, accountId: acc.id, date, type: 'FEE', amount: '2.5', ...(withSymbol ? { symbol: inst.symbol } : {}) });
        payCash(withSymbol ? inst.currency : acc.currency, toDecimal('-2.5'));
        break;
      }
      case 'DEPOSIT':
      case 'WITHDRAWAL': {
        const amount = toDecimal(String(it.units * 100));
        activities.push({ id, accountId: acc.id, date, type: it.kind, amount: amount.toString() });
        payCash(acc.currency, it.kind === 'DEPOSIT' ? amount : amount.neg());
        break;
      }
      case 'SPLIT': {
        const ratio = ['2:1', '3:1', '1:2'][it.units % 3]!;
        const [a, b] = ratio.split(':') as [string, string];
        activities.push({ id, accountId: acc.id, date, type: 'SPLIT', symbol: inst.symbol, ratio });
        if (!held.isZero()) quantity.set(qk, held.mul(a).div(b));
        break;
      }
      case 'VALUATION':
        activities.push({ id, accountId: acc.id, date, type: 'VALUATION', symbol: inst.symbol, unitPrice: price.toString() });
        break;
      case 'MOVE': {
        const to = ACCOUNTS[it.other]!;
        if (held.isZero() || to.id === acc.id) break;
        const q = toDecimal(String(it.units)).lt(held) ? toDecimal(String(it.units)) : held;
        activities.push({ id, accountId: acc.id, date, type: 'TRANSFER_OUT', symbol: inst.symbol, quantity: q.toString(), transferId: id });
        activities.push({ id: `${id}b`, accountId: to.id, date, type: 'TRANSFER_IN', symbol: inst.symbol, quantity: q.toString(), transferId: id });
        add(quantity, qk, q.neg());
        add(quantity, `${to.id}|${inst.symbol}`, q);
        break;
      }
      case 'CASH_MOVE': {
        const to = ACCOUNTS[it.other]!;
        if (!acc.tracksCash || !to.tracksCash || to.id === acc.id) break;
        const amount = toDecimal(String(it.units * 10));
        // Leg amounts in each account's currency (a conversion when they differ).
        const received = acc.currency === to.currency ? amount : amount.mul('1.07');
        activities.push({ id, accountId: acc.id, date, type: 'TRANSFER_OUT', amount: amount.toString(), currency: acc.currency, transferId: id });
        activities.push({ id: `${id}b`, accountId: to.id, date, type: 'TRANSFER_IN', amount: received.toString(), currency: to.currency, transferId: id });
        add(cash, `${acc.id}|${acc.currency}`, amount.neg());
        add(cash, `${to.id}|${to.currency}`, received);
        break;
      }
    }
  }
  return { activities, expected: { quantity, cash, bought } };
}

export function portfolioInput(activities: readonly Activity[]): PortfolioInput {
  return { baseCurrency: 'USD', asOf: AS_OF, accounts: ACCOUNTS, instruments: INSTRUMENTS, activities, ...MARKET };
}
