import { ACCOUNT_TYPES, type AccountType, type CostBasisMethod } from '@meridian/contracts';
import { AppError } from '@meridian/platform';
import { z } from 'zod';
import type { Candidate } from './types.js';
import { emptyCandidate } from './types.js';
import { majorCurrency, mul, parseDay, parseNumber } from './values.js';

/** An account an export describes, which a `createAccounts` import can open. */
export interface ExportedAccount {
  /** Its id in the file (what the activities reference). */
  ref: string;
  name: string;
  currency: string;
  type: AccountType;
  trackCash: boolean;
  costBasisMethod: CostBasisMethod;
  institution: string | null;
}

export interface JsonFile {
  format: 'ghostfolio' | 'meridian';
  accounts: ExportedAccount[];
  candidates: Candidate[];
}

const numberLike = z.union([z.number(), z.string()]).nullish();

/** Ghostfolio's export (`GET /api/v1/export`): `{meta, accounts, platforms, tags, activities}`. */
const ghostfolioFile = z.object({
  meta: z.object({ date: z.string().optional(), version: z.string().optional() }).loose().optional(),
  accounts: z
    .array(z.object({ id: z.string(), name: z.string().nullish(), currency: z.string().nullish(), comment: z.string().nullish() }).loose())
    .optional(),
  activities: z.array(z.unknown()),
});

const ghostfolioActivity = z
  .object({
    accountId: z.string().nullish(),
    comment: z.string().nullish(),
    currency: z.string().nullish(),
    dataSource: z.string().nullish(),
    date: z.string(),
    fee: numberLike,
    quantity: numberLike,
    symbol: z.string().nullish(),
    type: z.string(),
    unitPrice: numberLike,
  })
  .loose();

/** Meridian's own export (`GET /export?format=json`). */
const meridianFile = z.object({
  format: z.literal('meridian'),
  version: z.number(),
  accounts: z.array(z.object({ id: z.string(), name: z.string(), currency: z.string(), type: z.string(), trackCash: z.boolean(), costBasisMethod: z.string(), institution: z.string().nullish() }).loose()),
  activities: z.array(z.unknown()),
});

const meridianActivity = z
  .object({
    accountId: z.string(),
    type: z.string(),
    date: z.string(),
    symbol: z.string().nullish(),
    quantity: z.string().nullish(),
    unitPrice: z.string().nullish(),
    amount: z.string().nullish(),
    fee: z.string().nullish(),
    tax: z.string().nullish(),
    currency: z.string().nullish(),
    ratio: z.string().nullish(),
    transferId: z.string().nullish(),
    notes: z.string().nullish(),
  })
  .loose();

function num(c: Candidate, field: string, value: number | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  // A JSON number prints as its shortest round-trip decimal: what the exporting program held.
  const r = parseNumber(typeof value === 'number' ? String(value) : value, { decimalSeparator: '.' });
  if (!r.ok) {
    c.errors.push({ row: c.row, field, message: r.error });
    return null;
  }
  return r.value;
}

/**
 * Ghostfolio stores an activity's day as the instant of its local midnight
 * ("2023-10-04T23:00:00.000Z" is 5 October in Central Europe): the nearest UTC midnight gives
 * the day back for every zone from UTC-11 to UTC+11.
 */
export function ghostfolioDay(value: string): string | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return value.trim();
  const t = Date.parse(value);
  if (Number.isNaN(t)) return null;
  return new Date(t + 12 * 3600_000).toISOString().slice(0, 10);
}

function isPositive(v: string | null): boolean {
  return v !== null && !/^-|^0(\.0*)?$/.test(v);
}

function readGhostfolio(raw: z.infer<typeof ghostfolioFile>): JsonFile {
  const accounts: ExportedAccount[] = (raw.accounts ?? []).map((a) => ({
    ref: a.id,
    name: a.name ?? a.id,
    currency: (a.currency ?? 'USD').toUpperCase(),
    type: 'BROKERAGE',
    trackCash: false,
    costBasisMethod: 'FIFO',
    institution: null,
  }));
  const names = new Map(accounts.map((a) => [a.ref, a.name]));
  const candidates = raw.activities.map((item, i) => {
    const c = emptyCandidate(i + 1);
    const parsed = ghostfolioActivity.safeParse(item);
    if (!parsed.success) {
      c.errors.push({ row: c.row, field: parsed.error.issues[0]?.path.join('.') || 'row', message: parsed.error.issues[0]?.message ?? 'not an activity' });
      return c;
    }
    const a = parsed.data;
    c.date = ghostfolioDay(a.date);
    if (c.date === null) c.errors.push({ row: c.row, field: 'date', message: `"${a.date}" is not a date` });
    c.account = a.accountId ?? null;
    c.accountFallback = a.accountId ? names.get(a.accountId) ?? null : null;
    c.notes = a.comment || null;
    c.symbol = a.symbol || null;
    const quantity = num(c, 'quantity', a.quantity);
    const major = majorCurrency(a.currency ?? '', num(c, 'unitPrice', a.unitPrice));
    c.currency = major.currency || null;
    const unitPrice = major.price;
    const fee = num(c, 'fee', a.fee);
    const type = a.type.toUpperCase();
    switch (type) {
      case 'BUY':
      case 'SELL':
      case 'ITEM':
        c.type = type === 'ITEM' ? 'BUY' : type;
        c.quantity = quantity;
        c.unitPrice = unitPrice;
        c.fee = fee;
        break;
      case 'DIVIDEND':
      case 'INTEREST':
        c.type = type;
        c.amount = quantity !== null && unitPrice !== null ? mul(quantity, unitPrice) : null;
        c.fee = fee;
        if (type === 'INTEREST' && a.dataSource === 'MANUAL') c.symbol = null;
        break;
      case 'FEE':
        c.type = 'FEE';
        // Ghostfolio keeps a fee's value in `fee`; older exports put it in quantity × unitPrice.
        c.amount = isPositive(fee) ? fee : quantity !== null && unitPrice !== null ? mul(quantity, unitPrice) : null;
        if (a.dataSource === 'MANUAL') c.symbol = null;
        break;
      case 'LIABILITY':
        c.skip = 'liabilities are not supported yet';
        break;
      default:
        c.errors.push({ row: c.row, field: 'type', message: `unknown Ghostfolio activity type "${a.type}"` });
    }
    return c;
  });
  return { format: 'ghostfolio', accounts, candidates };
}

function readMeridian(raw: z.infer<typeof meridianFile>): JsonFile {
  const accounts: ExportedAccount[] = raw.accounts.map((a) => ({
    ref: a.id,
    name: a.name,
    currency: a.currency.toUpperCase(),
    type: (ACCOUNT_TYPES as readonly string[]).includes(a.type) ? (a.type as AccountType) : 'OTHER',
    trackCash: a.trackCash,
    costBasisMethod: a.costBasisMethod === 'AVERAGE' ? 'AVERAGE' : 'FIFO',
    institution: a.institution ?? null,
  }));
  const names = new Map(accounts.map((a) => [a.ref, a.name]));
  const candidates = raw.activities.map((item, i) => {
    const c = emptyCandidate(i + 1);
    const parsed = meridianActivity.safeParse(item);
    if (!parsed.success) {
      c.errors.push({ row: c.row, field: parsed.error.issues[0]?.path.join('.') || 'row', message: parsed.error.issues[0]?.message ?? 'not an activity' });
      return c;
    }
    const a = parsed.data;
    const day = parseDay(a.date, 'YYYY-MM-DD');
    if (day.ok) c.date = day.value;
    else c.errors.push({ row: c.row, field: 'date', message: day.error });
    c.type = null;
    const t = a.type.toUpperCase();
    if (['BUY', 'SELL', 'DIVIDEND', 'INTEREST', 'FEE', 'TAX', 'DEPOSIT', 'WITHDRAWAL', 'TRANSFER_IN', 'TRANSFER_OUT', 'SPLIT', 'VALUATION'].includes(t)) {
      c.type = t as NonNullable<Candidate['type']>;
    } else {
      c.errors.push({ row: c.row, field: 'type', message: `unknown type "${a.type}"` });
    }
    c.account = a.accountId;
    c.accountFallback = names.get(a.accountId) ?? null;
    c.symbol = a.symbol ?? null;
    c.quantity = num(c, 'quantity', a.quantity);
    c.unitPrice = num(c, 'unitPrice', a.unitPrice);
    c.amount = num(c, 'amount', a.amount);
    c.fee = num(c, 'fee', a.fee);
    c.tax = num(c, 'tax', a.tax);
    c.currency = a.currency ?? null;
    c.ratio = a.ratio ?? null;
    c.notes = a.notes ?? null;
    c.transferRef = a.transferId ?? null;
    return c;
  });
  return { format: 'meridian', accounts, candidates };
}

/** Reads a Ghostfolio or Meridian JSON export (`format` auto-detects). */
export function readJsonFile(data: unknown, format: 'auto' | 'ghostfolio' | 'meridian'): JsonFile {
  const isMeridian = typeof data === 'object' && data !== null && (data as { format?: unknown }).format === 'meridian';
  if (format === 'meridian' || (format === 'auto' && isMeridian)) {
    const parsed = meridianFile.safeParse(data);
    if (!parsed.success) throw badFile('a Meridian export', parsed.error);
    return readMeridian(parsed.data);
  }
  const parsed = ghostfolioFile.safeParse(data);
  if (!parsed.success) throw badFile('a Ghostfolio export ({"activities": [...]})', parsed.error);
  return readGhostfolio(parsed.data);
}

function badFile(what: string, error: z.ZodError): AppError {
  const issue = error.issues[0];
  return new AppError('unprocessable', `not ${what}: ${issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'unreadable'}`, {
    details: { reason: 'unknown_format' },
  });
}
