import { ZERO, toDecimal, maybeDecimal, type Decimal } from './decimal.js';
import { parseDate, type Day } from './dates.js';
import type { Activity, ActivityType, Diagnostic } from './types.js';

/** An activity with its strings parsed once; amounts in `currency`. */
export interface NormalizedActivity {
  readonly id: string;
  /** Position in the user's ledger: breaks ties between activities of the same day. */
  readonly seq: number;
  readonly day: Day;
  readonly type: ActivityType;
  readonly accountId: string;
  readonly symbol: string | null;
  readonly currency: string;
  readonly quantity: Decimal | null;
  readonly unitPrice: Decimal | null;
  readonly amount: Decimal | null;
  readonly fee: Decimal;
  readonly tax: Decimal;
  readonly fxRate: Decimal | null;
  readonly splitNew: Decimal | null;
  readonly splitOld: Decimal | null;
  readonly transferId: string | null;
  /** Which ledger replays it: `I:<symbol>` for anything about a holding, `A:<account>` for cash. */
  readonly ledger: string;
}

export interface NormalizeContext {
  readonly baseCurrency: string;
  readonly accounts: ReadonlyMap<string, { readonly currency: string }>;
  readonly instruments: ReadonlyMap<string, { readonly currency: string }>;
}

function invalid(a: Activity, message: string): Diagnostic {
  return {
    severity: 'error',
    code: 'INVALID_ACTIVITY',
    message: `${a.type} ${a.id}: ${message}; ignored`,
    activityId: a.id,
    accountId: a.accountId,
    ...(a.date ? { date: a.date } : {}),
    ...(a.symbol ? { symbol: a.symbol } : {}),
  };
}

const SPLIT_RATIO = /^\s*([0-9.]+)\s*[:/]\s*([0-9.]+)\s*$/;

function parseRatio(ratio: string | undefined): [Decimal, Decimal] | null {
  const m = SPLIT_RATIO.exec(ratio ?? '');
  if (!m) return null;
  try {
    const r: [Decimal, Decimal] = [toDecimal(m[1]!), toDecimal(m[2]!)];
    return r[0].isPositive() && r[1].isPositive() ? r : null;
  } catch {
    return null;
  }
}

/** Why an activity cannot be used, or null if its fields fit its type. */
function check(a: Activity, symbol: string | null, quantity: Decimal | null, unitPrice: Decimal | null, amount: Decimal | null): string | null {
  switch (a.type) {
    case 'BUY':
    case 'SELL':
      if (!symbol) return 'symbol is required';
      if (!quantity?.isPositive()) return 'quantity must be positive';
      if (!unitPrice || unitPrice.isNegative()) return 'unitPrice must be zero or positive';
      return null;
    case 'DIVIDEND':
    case 'INTEREST':
      return amount || (quantity && unitPrice) ? null : 'amount, or quantity and unitPrice, is required';
    case 'FEE':
    case 'TAX':
    case 'DEPOSIT':
    case 'WITHDRAWAL':
      return amount ? null : 'amount is required';
    case 'TRANSFER_IN':
    case 'TRANSFER_OUT':
      if (symbol) return quantity?.isPositive() ? null : 'quantity must be positive';
      return amount ? null : 'amount is required for a cash transfer';
    case 'SPLIT':
      if (!symbol) return 'symbol is required';
      return parseRatio(a.ratio) ? null : 'ratio must look like "2:1" with positive parts';
    case 'VALUATION':
      if (!symbol) return 'symbol is required';
      return unitPrice && !unitPrice.isNegative() ? null : 'unitPrice must be zero or positive';
    default:
      return `unknown type ${String(a.type)}`;
  }
}

function parseNumbers(a: Activity): [Day, Decimal | null, Decimal | null, Decimal | null, Decimal, Decimal, Decimal | null] | string {
  try {
    return [
      parseDate(a.date),
      maybeDecimal(a.quantity),
      maybeDecimal(a.unitPrice),
      maybeDecimal(a.amount),
      maybeDecimal(a.fee) ?? ZERO,
      maybeDecimal(a.tax) ?? ZERO,
      maybeDecimal(a.fxRate),
    ];
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Parses and checks one activity; returns a diagnostic instead when it cannot be used. */
export function normalizeActivity(a: Activity, seq: number, ctx: NormalizeContext): NormalizedActivity | Diagnostic {
  const parsed = parseNumbers(a);
  if (typeof parsed === 'string') return invalid(a, parsed);
  const [day, quantity, unitPrice, given, fee, tax, fxRate] = parsed;
  const symbol = a.symbol ? a.symbol : null;
  if (fxRate && !fxRate.isPositive()) return invalid(a, 'fxRate must be positive');
  const problem = check(a, symbol, quantity, unitPrice, given);
  if (problem) return invalid(a, problem);
  const amount = given ?? ((a.type === 'DIVIDEND' || a.type === 'INTEREST') && quantity && unitPrice ? quantity.mul(unitPrice) : null);
  const ratio = a.type === 'SPLIT' ? parseRatio(a.ratio) : null;
  const currency =
    a.currency || (symbol ? ctx.instruments.get(symbol)?.currency : undefined) || ctx.accounts.get(a.accountId)?.currency || ctx.baseCurrency;
  // A DEPOSIT or WITHDRAWAL is about cash even if a symbol came along.
  const holding = symbol !== null && a.type !== 'DEPOSIT' && a.type !== 'WITHDRAWAL';
  return {
    id: a.id,
    seq,
    day,
    type: a.type,
    accountId: a.accountId,
    symbol: holding ? symbol : null,
    currency,
    quantity,
    unitPrice,
    amount,
    fee,
    tax,
    fxRate,
    splitNew: ratio ? ratio[0] : null,
    splitOld: ratio ? ratio[1] : null,
    transferId: a.transferId ? a.transferId : null,
    ledger: holding ? `I:${symbol}` : `A:${a.accountId}`,
  };
}

/** Replay order within a ledger: by day, splits first on their day, then as entered. */
export function compareActivities(a: NormalizedActivity, b: NormalizedActivity): number {
  return a.day - b.day || (a.type === 'SPLIT' ? 0 : 1) - (b.type === 'SPLIT' ? 0 : 1) || a.seq - b.seq;
}
