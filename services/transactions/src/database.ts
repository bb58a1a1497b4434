import type { ColumnType, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** NUMERIC: read as an exact decimal string (both drivers), written as a string. */
type Numeric = ColumnType<string, string, string>;
type NullableNumeric = ColumnType<string | null, string | null, string | null>;
/** DATE: a calendar day `YYYY-MM-DD` (both drivers return it as text). */
type Day = ColumnType<string, string, string>;
/** bigint counters: read as numbers (safe below 2^53). */
type Counter = ColumnType<number, number, number>;

/** The tables of the `transactions` schema, as Kysely sees them. */
export interface TransactionsDatabase {
  accounts: AccountsTable;
  activities: ActivitiesTable;
  user_versions: UserVersionsTable;
  idempotency_keys: IdempotencyKeysTable;
  imports: ImportsTable;
  ledger_snapshots: LedgerSnapshotsTable;
}

/** An account's ledger replay state (see ledger.service.ts), valid at `version` of its user. */
export interface LedgerSnapshotsTable {
  account_id: string;
  user_id: string;
  version: Counter;
  state: ColumnType<unknown, string, string>;
}

export interface AccountsTable {
  id: string;
  user_id: string;
  name: string;
  type: string;
  currency: string;
  institution: string | null;
  track_cash: boolean;
  cost_basis_method: string;
  archived_at: Timestamp | null;
  version: Counter;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ActivitiesTable {
  id: string;
  user_id: string;
  account_id: string;
  type: string;
  date: Day;
  symbol: string | null;
  quantity: NullableNumeric;
  unit_price: NullableNumeric;
  amount: NullableNumeric;
  fee: Numeric;
  tax: Numeric;
  currency: string;
  ratio: string | null;
  transfer_id: string | null;
  notes: string | null;
  source: string;
  import_id: string | null;
  version: Counter;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One row per user: the counter behind event versions, and the lock that serialises a user's writes. */
export interface UserVersionsTable {
  user_id: string;
  version: Counter;
}

/** A write's stored response, replayed for a retry with the same `Idempotency-Key`. */
export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  /** SHA-256 of method, path and canonical body. */
  request_hash: string;
  status: number;
  response: ColumnType<unknown, string, string>;
  created_at: Timestamp;
}

export interface ImportsTable {
  id: string;
  user_id: string;
  format: string;
  preset: string;
  file_name: string | null;
  created_count: number;
  skipped_count: number;
  created_at: Timestamp;
}

export type AccountRow = Selectable<AccountsTable>;
export type ActivityRow = Selectable<ActivitiesTable>;
export type NewActivityRow = Insertable<ActivitiesTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type ImportRowRecord = Selectable<ImportsTable>;
