import type { ActivityType, DateFormat, ImportField, ImportRowError } from '@meridian/contracts';

/**
 * One line of a file read by a preset: the activity it describes, in our terms, before the
 * service resolves its account, fills defaults and validates it. Decimals are canonical
 * strings; `errors` are what the preset could not read.
 */
export interface Candidate {
  row: number;
  /** Set when the line is not an activity (a currency conversion, a cash sweep…): reported, not imported. */
  skip?: string;
  errors: ImportRowError[];
  type: ActivityType | null;
  date: string | null;
  symbol: string | null;
  quantity: string | null;
  unitPrice: string | null;
  amount: string | null;
  fee: string | null;
  tax: string | null;
  currency: string | null;
  ratio: string | null;
  notes: string | null;
  /** The file's name or id of the account (resolved through accountMap, ids and names). */
  account: string | null;
  /** A second reference tried when the first matches nothing (an export's account name). */
  accountFallback?: string | null;
  /** Rows sharing a transfer reference are the two legs of one transfer. */
  transferRef: string | null;
}

export function emptyCandidate(row: number): Candidate {
  return {
    row,
    errors: [],
    type: null,
    date: null,
    symbol: null,
    quantity: null,
    unitPrice: null,
    amount: null,
    fee: null,
    tax: null,
    currency: null,
    ratio: null,
    notes: null,
    account: null,
    transferRef: null,
  };
}

/** What every CSV preset is given besides the records. */
export interface CsvOptions {
  mapping?: Partial<Record<ImportField, string>> | undefined;
  typeMap?: Record<string, ActivityType> | undefined;
  dateFormat?: DateFormat | undefined;
  decimalSeparator?: '.' | ',' | undefined;
  absoluteValues: boolean;
}
