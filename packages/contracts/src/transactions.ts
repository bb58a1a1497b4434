import { z } from 'zod';
import { currencyCode } from './currencies.js';

export { currencyCode, isKnownCurrency, ISO_CURRENCIES } from './currencies.js';

/**
 * HTTP DTOs of the transactions service (accounts, activities, transfers, imports, export).
 * Public contract: see services/transactions/README.md. Quantities, prices and amounts are
 * exact decimals carried as strings.
 */

// ---- shared value shapes ---------------------------------------------------------------

/** Up to 20 integer and 18 fractional digits (crypto quantities need 18). */
export const DECIMAL_PATTERN = /^[+-]?\d{1,20}(\.\d{1,18})?$/;

/** An exact decimal as a string: `"12.50"`, `"-3"`, `"0.000000000000000001"`. */
export const decimalString = z
  .string()
  .trim()
  .regex(DECIMAL_PATTERN, { message: 'must be a decimal number as a string, like "12.50"' });

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `YYYY-MM-DD` names a real calendar day. */
export function isCalendarDate(value: string): boolean {
  const m = DATE_PATTERN.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/**
 * A calendar day `YYYY-MM-DD`. An ISO date-time is accepted too and means the day as written
 * (`2024-03-01T23:30:00-05:00` is 1 March): an activity happens on a day, not at an instant.
 */
export const calendarDate = z
  .string()
  .trim()
  .transform((v) => (/^\d{4}-\d{2}-\d{2}T/.test(v) ? v.slice(0, 10) : v))
  .refine(isCalendarDate, { message: 'must be a date like "2024-03-01"' });

/** Ticker, ISIN or any instrument id; stored upper-case so "aapl" and "AAPL" are one position. */
export const symbolSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}]+$/u, { message: 'must not contain control characters' })
  .transform((s) => s.toUpperCase());

/** A split ratio "new:old": "2:1" doubles the shares, "1:10" is a reverse split. */
export const splitRatio = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,9})?\s*[:/]\s*\d{1,9}(\.\d{1,9})?$/, { message: 'must look like "2:1" (new shares : old shares)' })
  .transform((r) => r.replace(/\s+/g, '').replace('/', ':'));

// ---- accounts --------------------------------------------------------------------------

export const ACCOUNT_TYPES = ['BROKERAGE', 'BANK', 'RETIREMENT', 'CRYPTO_WALLET', 'REAL_ESTATE', 'OTHER'] as const;
export const accountType = z.enum(ACCOUNT_TYPES);
export const costBasisMethod = z.enum(['FIFO', 'AVERAGE']);

const accountName = z.string().trim().min(1).max(120);
const institution = z.string().trim().max(120);

export const createAccountBody = z.strictObject({
  name: accountName,
  currency: currencyCode,
  type: accountType.default('BROKERAGE'),
  institution: institution.nullish(),
  /** The account holds cash: trades, income and transfers move it, and it may not go negative. */
  trackCash: z.boolean().default(false),
  costBasisMethod: costBasisMethod.default('FIFO'),
});

export const updateAccountBody = z
  .strictObject({
    name: accountName.optional(),
    currency: currencyCode.optional(),
    type: accountType.optional(),
    institution: institution.nullish(),
    trackCash: z.boolean().optional(),
    costBasisMethod: costBasisMethod.optional(),
    archived: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });

export const accountDto = z.object({
  id: z.uuid(),
  name: z.string(),
  type: accountType,
  currency: z.string(),
  institution: z.string().nullable(),
  trackCash: z.boolean(),
  costBasisMethod: costBasisMethod,
  archived: z.boolean(),
  archivedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The user's change counter when this account last changed (see `GET /version`). */
  version: z.number().int(),
});

export const accountListQuery = z.strictObject({
  includeArchived: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export const accountList = z.object({ items: z.array(accountDto) });

export const deleteAccountQuery = z.strictObject({
  /** Deletes an account without activities instead of archiving it. */
  permanent: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export const balancesQuery = z.strictObject({ date: calendarDate.optional() });

export const balancesDto = z.object({
  accountId: z.uuid(),
  /** Balances at the end of this day (default: every activity). */
  date: z.string().nullable(),
  positions: z.array(z.object({ symbol: z.string(), quantity: z.string() })),
  cash: z.array(z.object({ currency: z.string(), balance: z.string() })),
});

// ---- activities ------------------------------------------------------------------------

export const ACTIVITY_TYPES = [
  'BUY',
  'SELL',
  'DIVIDEND',
  'INTEREST',
  'FEE',
  'TAX',
  'DEPOSIT',
  'WITHDRAWAL',
  'TRANSFER_IN',
  'TRANSFER_OUT',
  'SPLIT',
  'VALUATION',
] as const;
export const activityType = z.enum(ACTIVITY_TYPES);

const notes = z.string().trim().max(2000);

/**
 * One activity. Which fields a type needs (checked by the service, errors name the field):
 * BUY/SELL `symbol quantity unitPrice [fee tax]`; DIVIDEND/INTEREST `amount` (or `quantity`
 * × `unitPrice`) `[symbol fee tax]`; FEE/TAX `amount [symbol]`; DEPOSIT/WITHDRAWAL `amount`;
 * TRANSFER_IN/OUT `amount` (cash) or `symbol quantity [unitPrice]` (securities);
 * SPLIT `symbol ratio`; VALUATION `symbol unitPrice`. `currency` defaults to the account's.
 */
export const createActivityBody = z.strictObject({
  accountId: z.uuid(),
  type: activityType,
  date: calendarDate,
  symbol: symbolSchema.nullish(),
  quantity: decimalString.nullish(),
  unitPrice: decimalString.nullish(),
  amount: decimalString.nullish(),
  fee: decimalString.nullish(),
  tax: decimalString.nullish(),
  currency: currencyCode.nullish(),
  ratio: splitRatio.nullish(),
  notes: notes.nullish(),
});

/** Any subset of the fields; `null` clears an optional one. */
export const updateActivityBody = z
  .strictObject({
    accountId: z.uuid().optional(),
    type: activityType.optional(),
    date: calendarDate.optional(),
    symbol: symbolSchema.nullish(),
    quantity: decimalString.nullish(),
    unitPrice: decimalString.nullish(),
    amount: decimalString.nullish(),
    fee: decimalString.nullish(),
    tax: decimalString.nullish(),
    currency: currencyCode.optional(),
    ratio: splitRatio.nullish(),
    notes: notes.nullish(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });

export const activitySource = z.enum(['MANUAL', 'IMPORT', 'TRANSFER', 'EXECUTION']);

export const activityDto = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  type: activityType,
  date: z.string(),
  symbol: z.string().nullable(),
  quantity: z.string().nullable(),
  unitPrice: z.string().nullable(),
  amount: z.string().nullable(),
  fee: z.string(),
  tax: z.string(),
  currency: z.string(),
  ratio: z.string().nullable(),
  /** Links the TRANSFER_OUT and TRANSFER_IN legs of a transfer between the user's accounts. */
  transferId: z.uuid().nullable(),
  notes: z.string().nullable(),
  source: activitySource,
  importId: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The user's change counter when this activity last changed (see `GET /version`). */
  version: z.number().int(),
});

const typeList = z
  .string()
  .trim()
  .transform((v) => v.split(',').map((t) => t.trim().toUpperCase()).filter(Boolean))
  .pipe(z.array(activityType).min(1).max(ACTIVITY_TYPES.length));

export const listActivitiesQuery = z.strictObject({
  accountId: z.uuid().optional(),
  from: calendarDate.optional(),
  to: calendarDate.optional(),
  /** One type or a comma-separated list (`BUY,SELL`). */
  type: typeList.optional(),
  symbol: symbolSchema.optional(),
  /** Free text: matches symbol or notes. */
  q: z.string().trim().min(1).max(100).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const activityPage = z.object({
  items: z.array(activityDto),
  /** Pass as `cursor` for the next page; null on the last one. Newest first. */
  nextCursor: z.string().nullable(),
});

export const createTransferBody = z.strictObject({
  fromAccountId: z.uuid(),
  toAccountId: z.uuid(),
  date: calendarDate,
  /** Securities: `symbol` and `quantity` (lots move with their cost basis and dates). */
  symbol: symbolSchema.nullish(),
  quantity: decimalString.nullish(),
  /** Cash: `amount` in `currency` (default the sending account's). */
  amount: decimalString.nullish(),
  currency: currencyCode.nullish(),
  /** Cash arriving in another currency (a conversion): what arrived, and in which currency. */
  receivedAmount: decimalString.nullish(),
  receivedCurrency: currencyCode.nullish(),
  /** Charged to the sending account. */
  fee: decimalString.nullish(),
  notes: notes.nullish(),
});

export const transferDto = z.object({
  transferId: z.uuid(),
  out: activityDto,
  in: activityDto,
});

export const versionDto = z.object({
  /** Increases with every change of the user's accounts or activities; events carry it too. */
  version: z.number().int(),
});

// ---- imports ---------------------------------------------------------------------------

export const IMPORT_PRESETS = ['auto', 'generic', 'meridian', 'ibkr-flex', 'ibkr-activity', 'degiro', 'schwab', 'fidelity'] as const;
export const importPreset = z.enum(IMPORT_PRESETS);

export const DATE_FORMATS = ['YYYY-MM-DD', 'YYYYMMDD', 'DD-MM-YYYY', 'DD.MM.YYYY', 'DD/MM/YYYY', 'MM/DD/YYYY'] as const;

/** Fields a CSV column can be mapped to (the value: a header name, or `#3` for the 3rd column). */
export const IMPORT_FIELDS = [
  'date',
  'type',
  'symbol',
  'quantity',
  'unitPrice',
  'amount',
  'fee',
  'tax',
  'currency',
  'account',
  'ratio',
  'notes',
  'transferId',
] as const;
export const importField = z.enum(IMPORT_FIELDS);

const mappingValue = z.string().trim().min(1).max(200);

const importOptions = {
  /** Target account of rows that do not name one. */
  accountId: z.uuid().optional(),
  /** A file's account names or ids → Meridian account ids. */
  accountMap: z.record(z.string().max(200), z.uuid()).optional(),
  /** Apply (all or nothing). Default false: a dry run that shows every row's outcome. */
  commit: z.boolean().default(false),
  /** Import rows flagged as duplicates too. */
  force: z.boolean().default(false),
  fileName: z.string().trim().max(255).optional(),
};

export const importCsvBody = z.strictObject({
  ...importOptions,
  /** The file's text. */
  content: z.string().min(1).max(16 * 1024 * 1024).optional(),
  /** Alias of `content`. */
  csv: z.string().min(1).max(16 * 1024 * 1024).optional(),
  preset: importPreset.default('auto'),
  /** Column for each field, for the generic preset (chosen when a mapping is given with `auto`). */
  mapping: z.partialRecord(importField, mappingValue).optional(),
  /** A file's type labels → activity types ("Kauf" → "BUY"), on top of the built-in synonyms. */
  typeMap: z.record(z.string().max(100), activityType).optional(),
  dateFormat: z.enum(DATE_FORMATS).optional(),
  decimalSeparator: z.enum(['.', ',']).optional(),
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
  /** Take absolute values of signed quantities and amounts (files that mark sells and fees with a minus). */
  absoluteValues: z.boolean().default(false),
  /** Currency of rows that do not name one (default: the row's account's). */
  defaultCurrency: currencyCode.optional(),
});

/** Options of a CSV import sent as a raw `text/csv` body (the file is the body). */
export const importCsvQuery = z.strictObject({
  accountId: z.uuid().optional(),
  preset: importPreset.default('auto'),
  commit: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  force: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  dateFormat: z.enum(DATE_FORMATS).optional(),
  decimalSeparator: z.enum(['.', ',']).optional(),
  delimiter: z.enum([',', ';', '|']).optional(),
  fileName: z.string().trim().max(255).optional(),
});

export const importJsonBody = z.strictObject({
  ...importOptions,
  /** A Ghostfolio export (`{meta, accounts, activities}`) or a Meridian JSON export. */
  data: z.record(z.string(), z.unknown()).optional(),
  /** The same as text. */
  content: z.string().min(1).max(16 * 1024 * 1024).optional(),
  format: z.enum(['auto', 'ghostfolio', 'meridian']).default('auto'),
  /** Create the export's accounts that match none of yours (by name) instead of failing those rows. */
  createAccounts: z.boolean().default(false),
});

export const importRowError = z.object({ row: z.number().int(), field: z.string(), message: z.string() });

export const importedActivity = z.object({
  accountId: z.string().nullable(),
  type: z.string().nullable(),
  date: z.string().nullable(),
  symbol: z.string().nullable(),
  quantity: z.string().nullable(),
  unitPrice: z.string().nullable(),
  amount: z.string().nullable(),
  fee: z.string().nullable(),
  tax: z.string().nullable(),
  currency: z.string().nullable(),
  ratio: z.string().nullable(),
  notes: z.string().nullable(),
});

export const importRowStatus = z.enum(['new', 'duplicate', 'error', 'skipped']);

export const importRow = z.object({
  /** Line of the file (the header is line 1), or 1-based index in a JSON `activities` array. */
  row: z.number().int(),
  status: importRowStatus,
  activity: importedActivity.nullable(),
  errors: z.array(importRowError),
  /** For a duplicate: the stored activity it matches. */
  duplicateOf: z.string().nullable(),
  /** Why a row was skipped (a line that is not an activity, such as a currency conversion). */
  message: z.string().nullable(),
  /** Set once committed. */
  activityId: z.uuid().nullable(),
});

export const importReport = z.object({
  dryRun: z.boolean(),
  format: z.string(),
  preset: z.string(),
  importId: z.uuid().nullable(),
  summary: z.object({
    rows: z.number().int(),
    new: z.number().int(),
    duplicates: z.number().int(),
    errors: z.number().int(),
    skipped: z.number().int(),
    created: z.number().int(),
  }),
  accountsToCreate: z.array(z.object({ id: z.uuid(), name: z.string(), currency: z.string() })),
  errors: z.array(importRowError),
  rows: z.array(importRow),
  version: z.number().int().nullable(),
});

export const importDto = z.object({
  id: z.uuid(),
  format: z.string(),
  preset: z.string(),
  fileName: z.string().nullable(),
  created: z.number().int(),
  skipped: z.number().int(),
  createdAt: z.iso.datetime(),
});

export const importList = z.object({ items: z.array(importDto) });

// ---- export ----------------------------------------------------------------------------

export const exportQuery = z.strictObject({
  format: z.enum(['csv', 'json']).default('json'),
  accountId: z.uuid().optional(),
  from: calendarDate.optional(),
  to: calendarDate.optional(),
});

/** `GET /export?format=json`: importable again with `POST /imports/json`. */
export const meridianExport = z.object({
  format: z.literal('meridian'),
  version: z.literal(1),
  exportedAt: z.iso.datetime(),
  accounts: z.array(accountDto),
  activities: z.array(activityDto),
});

/** Columns of `GET /export?format=csv`, in order (importable again with the `meridian` preset). */
export const EXPORT_CSV_COLUMNS = [
  'date',
  'type',
  'account',
  'accountId',
  'symbol',
  'quantity',
  'unitPrice',
  'amount',
  'fee',
  'tax',
  'currency',
  'ratio',
  'transferId',
  'notes',
  'id',
] as const;

export type AccountType = z.infer<typeof accountType>;
export type CostBasisMethod = z.infer<typeof costBasisMethod>;
export type CreateAccountBody = z.infer<typeof createAccountBody>;
export type UpdateAccountBody = z.infer<typeof updateAccountBody>;
export type AccountDto = z.infer<typeof accountDto>;
export type BalancesDto = z.infer<typeof balancesDto>;
export type ActivityType = z.infer<typeof activityType>;
export type ActivitySource = z.infer<typeof activitySource>;
export type CreateActivityBody = z.infer<typeof createActivityBody>;
export type UpdateActivityBody = z.infer<typeof updateActivityBody>;
export type ActivityDto = z.infer<typeof activityDto>;
export type ListActivitiesQuery = z.infer<typeof listActivitiesQuery>;
export type ActivityPage = z.infer<typeof activityPage>;
export type CreateTransferBody = z.infer<typeof createTransferBody>;
export type TransferDto = z.infer<typeof transferDto>;
export type ImportPreset = z.infer<typeof importPreset>;
export type ImportField = z.infer<typeof importField>;
export type DateFormat = (typeof DATE_FORMATS)[number];
export type ImportCsvBody = z.infer<typeof importCsvBody>;
export type ImportJsonBody = z.infer<typeof importJsonBody>;
export type ImportRowError = z.infer<typeof importRowError>;
export type ImportedActivity = z.infer<typeof importedActivity>;
export type ImportRow = z.infer<typeof importRow>;
export type ImportReport = z.infer<typeof importReport>;
export type ImportDto = z.infer<typeof importDto>;
export type ExportQuery = z.infer<typeof exportQuery>;
export type MeridianExport = z.infer<typeof meridianExport>;
