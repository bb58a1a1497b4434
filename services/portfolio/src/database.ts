import type { ColumnType, Generated } from 'kysely';

/** NUMERIC: read as an exact decimal string (both drivers), written as a string. */
type NullableNumeric = ColumnType<string | null, string | null, string | null>;
type Numeric = ColumnType<string, string, string>;
/** DATE: `YYYY-MM-DD` (both drivers return it as text). */
type Day = ColumnType<string, string, string>;
type Counter = ColumnType<number, number, number>;

/**
 * The `portfolio` schema: a copy of each user's accounts and activities as the transactions
 * service's events describe them (rows are kept, marked deleted, so that a late, older event
 * cannot bring back what a newer one removed), and per-user state.
 */
export interface PortfolioDatabase {
  accounts: AccountsTable;
  activities: ActivitiesTable;
  user_state: UserStateTable;
}

export interface AccountsTable {
  account_id: string;
  user_id: string;
  name: string;
  type: string;
  currency: string;
  institution: string | null;
  track_cash: boolean;
  cost_basis_method: string;
  archived: boolean;
  deleted: boolean;
  /** The user's version of the event that wrote this row. */
  version: Counter;
}

export interface ActivitiesTable {
  activity_id: string;
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
  deleted: boolean;
  version: Counter;
  /** Order of first arrival: same-day activities replay in the order they were entered. */
  seq: Generated<number>;
}

export interface UserStateTable {
  user_id: string;
  /** Highest transactions version applied for the user. */
  version: Counter;
  /** Reporting currency chosen by the user; null: the first account's currency. */
  base_currency: string | null;
}
