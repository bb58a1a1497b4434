import { isKnownCurrency, type ActivityDto, type ActivitySource, type ActivityType } from '@meridian/contracts';
import { Decimal, DecimalError } from '@meridian/finance';
import { EARLIEST_DAY } from './clock.js';
import type { ActivityRow } from './database.js';

/** The user-editable fields of an activity, normalised: decimals canonical, symbol upper-case. */
export interface ActivityFields {
  accountId: string;
  type: ActivityType;
  date: string;
  symbol: string | null;
  quantity: string | null;
  unitPrice: string | null;
  amount: string | null;
  fee: string;
  tax: string;
  currency: string;
  ratio: string | null;
  notes: string | null;
}

/** A stored activity. */
export interface Activity extends ActivityFields {
  id: string;
  userId: string;
  transferId: string | null;
  source: ActivitySource;
  importId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A problem with one field; the HTTP layer and the import report both show it. */
export interface FieldIssue {
  field: keyof ActivityFields | 'account';
  message: string;
}

export function activityFromRow(row: ActivityRow): Activity {
  return {
    id: row.id,
    userId: row.user_id,
    accountId: row.account_id,
    type: row.type as ActivityType,
    date: row.date,
    symbol: row.symbol,
    quantity: canonical(row.quantity),
    unitPrice: canonical(row.unit_price),
    amount: canonical(row.amount),
    fee: canonical(row.fee) ?? '0',
    tax: canonical(row.tax) ?? '0',
    currency: row.currency,
    ratio: row.ratio,
    notes: row.notes,
    transferId: row.transfer_id,
    source: row.source as ActivitySource,
    importId: row.import_id,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toActivityDto(a: Activity): ActivityDto {
  return {
    id: a.id,
    accountId: a.accountId,
    type: a.type,
    date: a.date,
    symbol: a.symbol,
    quantity: a.quantity,
    unitPrice: a.unitPrice,
    amount: a.amount,
    fee: a.fee,
    tax: a.tax,
    currency: a.currency,
    ratio: a.ratio,
    transferId: a.transferId,
    notes: a.notes,
    source: a.source,
    importId: a.importId,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    version: a.version,
  };
}

/** The activity fields events carry. */
export function activityEventState(a: Activity) {
  return {
    activityId: a.id,
    accountId: a.accountId,
    type: a.type,
    date: a.date,
    symbol: a.symbol,
    quantity: a.quantity,
    unitPrice: a.unitPrice,
    amount: a.amount,
    fee: a.fee,
    tax: a.tax,
    currency: a.currency,
    ratio: a.ratio,
    transferId: a.transferId,
    source: a.source,
    importId: a.importId,
  };
}

/** A decimal string in canonical form ("10.500" → "10.5"), or null. Throws DecimalError when malformed. */
export function canonical(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  return Decimal.from(value.trim()).toString();
}

/** Parses a decimal that already passed its schema (or was read from NUMERIC). */
function dec(value: string): Decimal {
  return Decimal.from(value);
}

const SYMBOL_TYPES = new Set<ActivityType>(['BUY', 'SELL', 'SPLIT', 'VALUATION']);

/**
 * Checks that an activity's fields fit its type. Returns every problem (empty when valid), so
 * an import can show them all at once. The rules mirror what @meridian/finance can replay.
 */
export function checkActivityFields(f: ActivityFields): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const need = (field: keyof ActivityFields, why: string) => issues.push({ field, message: `${field} is required ${why}` });
  const forbid = (field: keyof ActivityFields, why: string) => issues.push({ field, message: `${field} is not used ${why}` });
  const why = `for ${f.type}`;

  for (const field of ['quantity', 'unitPrice', 'amount', 'fee', 'tax'] as const) {
    const v = f[field];
    if (v === null) continue;
    let d: Decimal;
    try {
      d = dec(v);
    } catch (err) {
      if (err instanceof DecimalError) {
        issues.push({ field, message: `${field} must be a decimal number` });
        continue;
      }
      throw err;
    }
    if (field === 'quantity' && !d.isPositive()) {
      issues.push({ field, message: d.isZero() ? 'quantity must be greater than zero' : 'quantity must not be negative' });
    }
    if ((field === 'unitPrice' || field === 'fee' || field === 'tax') && d.isNegative()) {
      issues.push({ field, message: `${field} must not be negative` });
    }
    if (field === 'amount') {
      const refundable = f.type === 'FEE' || f.type === 'TAX';
      if (refundable ? d.isZero() : !d.isPositive()) {
        issues.push({
          field,
          message: refundable
            ? 'amount must not be zero (a negative amount is a refund)'
            : d.isZero()
              ? 'amount must be greater than zero'
              : `amount must not be negative (the type says the direction: use ${opposite(f.type)} instead)`,
        });
      }
    }
  }
  if (!isKnownCurrency(f.currency)) issues.push({ field: 'currency', message: `unknown currency "${f.currency}": expected an ISO 4217 code` });
  if (f.date < EARLIEST_DAY) issues.push({ field: 'date', message: `date must not be before ${EARLIEST_DAY}` });
  if (f.type !== 'SPLIT' && f.ratio !== null) forbid('ratio', why);
  if (SYMBOL_TYPES.has(f.type) && f.symbol === null) need('symbol', why);

  switch (f.type) {
    case 'BUY':
    case 'SELL':
      if (f.quantity === null) need('quantity', why);
      if (f.unitPrice === null) need('unitPrice', why);
      if (f.amount !== null) forbid('amount', `${why} (it is quantity × unitPrice)`);
      break;
    case 'DIVIDEND':
    case 'INTEREST':
      if (f.amount === null && (f.quantity === null || f.unitPrice === null)) {
        need('amount', `${why} (or quantity and unitPrice per share)`);
      }
      if (f.amount !== null && (f.quantity !== null) !== (f.unitPrice !== null)) {
        issues.push({ field: f.quantity === null ? 'quantity' : 'unitPrice', message: 'give both quantity and unitPrice, or neither, beside amount' });
      }
      break;
    case 'FEE':
    case 'TAX':
      if (f.amount === null) need('amount', why);
      if (f.quantity !== null) forbid('quantity', why);
      if (f.unitPrice !== null) forbid('unitPrice', why);
      break;
    case 'DEPOSIT':
    case 'WITHDRAWAL':
      if (f.amount === null) need('amount', why);
      if (f.symbol !== null) forbid('symbol', why);
      if (f.quantity !== null) forbid('quantity', why);
      if (f.unitPrice !== null) forbid('unitPrice', why);
      break;
    case 'TRANSFER_IN':
    case 'TRANSFER_OUT':
      if (f.symbol !== null) {
        if (f.quantity === null) need('quantity', `for a securities ${f.type}`);
        if (f.amount !== null) forbid('amount', `for a securities ${f.type} (use quantity)`);
        if (f.type === 'TRANSFER_OUT' && f.unitPrice !== null) forbid('unitPrice', 'for TRANSFER_OUT (lots keep their cost)');
      } else {
        if (f.amount === null) need('amount', `for a cash ${f.type} (or symbol and quantity for securities)`);
        if (f.quantity !== null) forbid('quantity', `for a cash ${f.type} (give a symbol for securities)`);
        if (f.unitPrice !== null) forbid('unitPrice', `for a cash ${f.type}`);
      }
      break;
    case 'SPLIT':
      if (f.ratio === null) need('ratio', `${why} (like "2:1")`);
      else if (!parseRatio(f.ratio)) issues.push({ field: 'ratio', message: 'ratio must have two positive parts, like "2:1"' });
      for (const field of ['quantity', 'unitPrice', 'amount'] as const) if (f[field] !== null) forbid(field, why);
      break;
    case 'VALUATION':
      if (f.unitPrice === null) need('unitPrice', `${why} (the price per unit on that day)`);
      if (f.quantity !== null) forbid('quantity', why);
      if (f.amount !== null) forbid('amount', why);
      break;
  }
  if ((f.type === 'SPLIT' || f.type === 'VALUATION') && (!isZero(f.fee) || !isZero(f.tax))) {
    issues.push({ field: isZero(f.fee) ? 'tax' : 'fee', message: `fees and taxes are not used ${why}` });
  }
  return issues;
}

/**
 * A trade's `amount` says nothing quantity × unitPrice does not, so it is not stored; but a
 * client that sends it (the total, with or without charges) gets it checked instead of
 * refused, and one that sends amount and quantity without a price gets the price when the
 * division is exact. Returns the fields to store and any problem.
 */
export function reconcileTradeAmount(f: ActivityFields): { fields: ActivityFields; issues: FieldIssue[] } {
  if ((f.type !== 'BUY' && f.type !== 'SELL') || f.amount === null || f.quantity === null) return { fields: f, issues: [] };
  let amount: Decimal;
  let quantity: Decimal;
  let charges: Decimal;
  try {
    amount = dec(f.amount).abs();
    quantity = dec(f.quantity);
    charges = dec(f.fee).add(dec(f.tax));
  } catch {
    return { fields: f, issues: [] };
  }
  if (!quantity.isPositive()) return { fields: f, issues: [] };
  if (f.unitPrice === null) {
    const gross = f.type === 'BUY' ? amount.sub(charges) : amount.add(charges);
    const price = gross.div(quantity, 18);
    if (!price.mul(quantity).eq(gross) || price.isNegative()) {
      return { fields: f, issues: [{ field: 'unitPrice', message: 'unitPrice is required (amount ÷ quantity is not an exact price)' }] };
    }
    return { fields: { ...f, unitPrice: price.toString(), amount: null }, issues: [] };
  }
  let gross: Decimal;
  try {
    gross = quantity.mul(dec(f.unitPrice));
  } catch {
    return { fields: f, issues: [] };
  }
  const net = f.type === 'BUY' ? gross.add(charges) : gross.sub(charges);
  if (amount.eq(gross) || amount.eq(net)) return { fields: { ...f, amount: null }, issues: [] };
  return {
    fields: f,
    issues: [{ field: 'amount', message: `amount ${f.amount} does not match quantity × unitPrice (${gross.toString()}, or ${net.toString()} with charges); leave it out` }],
  };
}

/** Checks the date against the clock: nothing after `latest` (see latestAllowedDay). */
export function checkActivityDate(date: string, latest: string): FieldIssue[] {
  return date > latest ? [{ field: 'date', message: `date ${date} is in the future` }] : [];
}

function isZero(v: string): boolean {
  try {
    return dec(v).isZero();
  } catch {
    return false;
  }
}

const OPPOSITE: Partial<Record<ActivityType, ActivityType>> = {
  DEPOSIT: 'WITHDRAWAL',
  WITHDRAWAL: 'DEPOSIT',
  TRANSFER_IN: 'TRANSFER_OUT',
  TRANSFER_OUT: 'TRANSFER_IN',
};

function opposite(type: ActivityType): string {
  return OPPOSITE[type] ?? 'a positive amount';
}

/** "2:1" → [2, 1]; null unless both parts are positive. */
export function parseRatio(ratio: string): [Decimal, Decimal] | null {
  const m = /^([0-9.]+):([0-9.]+)$/.exec(ratio);
  if (!m) return null;
  try {
    const parts: [Decimal, Decimal] = [Decimal.from(m[1]!), Decimal.from(m[2]!)];
    return parts[0].isPositive() && parts[1].isPositive() ? parts : null;
  } catch {
    return null;
  }
}

/**
 * The duplicate key of an activity: same account, day, type, symbol, quantity and price (and
 * amount, which tells cash movements apart) is "the same activity" for imports.
 */
export function duplicateKey(f: Pick<ActivityFields, 'accountId' | 'date' | 'type' | 'symbol' | 'quantity' | 'unitPrice' | 'amount'>): string {
  return [f.accountId, f.date, f.type, f.symbol ?? '', f.quantity ?? '', f.unitPrice ?? '', f.amount ?? ''].join('|');
}
