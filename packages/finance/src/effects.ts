import type { NormalizedActivity } from './activities.js';
import { ZERO, type Decimal } from './decimal.js';
import type { LedgerOutput, Portfolio } from './state.js';

/**
 * What one activity did to one segment, exact in the activity's currency: the facts that
 * attribution and the holdings summary add up. The ledgers decide cash and lots; this
 * classifies the same activity for reporting, and the attribution test checks both agree.
 */
export interface ActivityEffect {
  readonly activity: NormalizedActivity;
  readonly segment: number;
  readonly bought: Decimal;
  readonly sold: Decimal;
  /** quantity × unit price of a buy or sell, before fees and taxes. */
  readonly gross: Decimal;
  readonly income: Decimal;
  readonly fees: Decimal;
  readonly taxes: Decimal;
  /** New shares per old share of a split, else 1. */
  readonly split: number;
  /** The leg that sent the money when cash arrives by a transfer (a conversion if currencies differ). */
  readonly conversionFrom: NormalizedActivity | null;
}

const cache = new WeakMap<LedgerOutput, ActivityEffect[]>();

/** Effects of a ledger's activities, in day order (cached until the ledger is replayed). */
export function ledgerEffects(p: Portfolio, key: string): readonly ActivityEffect[] {
  const ledger = p.ledgers.get(key);
  if (!ledger) return [];
  let list = cache.get(ledger);
  if (list) return list;
  list = [];
  for (const a of p.ledgerActivities.get(key) ?? []) {
    const e = effectOf(p, a, ledger);
    if (e) list.push(e);
  }
  cache.set(ledger, list);
  return list;
}

function effectOf(p: Portfolio, a: NormalizedActivity, ledger: LedgerOutput): ActivityEffect | null {
  const key = a.symbol ? `P|${a.accountId}|${a.symbol}` : `C|${a.accountId}|${a.currency}`;
  const segment = p.segmentByKey.get(key);
  if (segment === undefined) return null;
  const base = {
    activity: a,
    segment,
    bought: ZERO,
    sold: ZERO,
    gross: ZERO,
    income: ZERO,
    fees: a.fee,
    taxes: a.tax,
    split: 1,
    conversionFrom: null,
  };
  const partner = p.pairs.get(a.id) ?? null;
  switch (a.type) {
    case 'BUY':
      return { ...base, bought: a.quantity!, gross: a.quantity!.mul(a.unitPrice!) };
    case 'SELL':
      return { ...base, sold: a.quantity!.sub(ledger.shortfalls.get(a.id) ?? ZERO), gross: a.quantity!.mul(a.unitPrice!) };
    case 'DIVIDEND':
    case 'INTEREST':
      return { ...base, income: a.amount! };
    case 'FEE':
      return { ...base, fees: a.amount!.add(a.fee) };
    case 'TAX':
      return { ...base, taxes: a.amount!.add(a.tax) };
    case 'SPLIT':
      return { ...base, fees: ZERO, taxes: ZERO, split: a.splitNew!.toNumber() / a.splitOld!.toNumber() };
    case 'VALUATION':
      return null;
    case 'DEPOSIT':
    case 'WITHDRAWAL':
    case 'TRANSFER_IN':
    case 'TRANSFER_OUT': {
      const cashOnly = !a.symbol;
      // Deposits and withdrawals (and unpaired cash transfers) mean nothing where cash is not tracked.
      if (cashOnly && !partner && !p.accounts.get(a.accountId)!.tracksCash) return null;
      return { ...base, conversionFrom: cashOnly && a.type === 'TRANSFER_IN' ? partner : null };
    }
  }
}
