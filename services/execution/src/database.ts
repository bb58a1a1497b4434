import type { ColumnType, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** NUMERIC: read as an exact decimal string (both drivers), written as a string. */
type Numeric = ColumnType<string, string, string>;
type NullableNumeric = ColumnType<string | null, string | null | undefined, string | null>;

/** The tables of the `execution` schema, as Kysely sees them. */
export interface ExecutionDatabase {
  accounts: AccountsTable;
  orders: OrdersTable;
  order_transitions: OrderTransitionsTable;
  fills: FillsTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  risk_settings: RiskSettingsTable;
  daily_usage: DailyUsageTable;
  broker_links: BrokerLinksTable;
  transfers: TransfersTable;
  paper_accounts: PaperAccountsTable;
  paper_positions: PaperPositionsTable;
  paper_orders: PaperOrdersTable;
}

/** The transactions service's accounts, as far as execution needs them (kept from events or asked over HTTP). */
export interface AccountsTable {
  id: string;
  user_id: string;
  currency: string;
  archived: boolean;
  updated_at: Timestamp;
}

export interface OrdersTable {
  id: string;
  user_id: string;
  account_id: string;
  client_order_id: string;
  /** SHA-256 of the placement request: a retry with the same client_order_id must ask the same. */
  request_hash: string;
  broker: string;
  broker_order_id: string | null;
  symbol: string;
  side: string;
  type: string;
  time_in_force: string;
  quantity: NullableNumeric;
  notional: NullableNumeric;
  limit_price: NullableNumeric;
  stop_price: NullableNumeric;
  trail_percent: NullableNumeric;
  trail_price: NullableNumeric;
  status: string;
  filled_quantity: Numeric;
  average_price: NullableNumeric;
  commission: Numeric;
  currency: string;
  reject_reason: string | null;
  replaces: string | null;
  replaced_by: string | null;
  /** True once the broker answered the submission (or its reconciliation did). */
  acknowledged: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrderTransitionsTable {
  id: string;
  order_id: string;
  user_id: string;
  status: string;
  reason: string | null;
  at: Timestamp;
}

export interface FillsTable {
  id: string;
  order_id: string;
  user_id: string;
  /** Cumulative filled quantity after this fill: unique per order, so a fill is recorded once. */
  cumulative_quantity: Numeric;
  quantity: Numeric;
  price: Numeric;
  commission: Numeric;
  filled_at: Timestamp;
}

export interface AuditLogTable {
  account_id: string;
  seq: number;
  user_id: string;
  order_id: string | null;
  kind: string;
  /** Canonical JSON, stored as text so the hashed bytes are the stored bytes. */
  payload: string;
  at: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  account_id: string;
  seq: number;
  hash: string;
}

export interface RiskSettingsTable {
  user_id: string;
  kill_switch: boolean;
  live_trading: boolean;
  max_order_notional: NullableNumeric;
  max_daily_notional: NullableNumeric;
  price_collar_percent: NullableNumeric;
  max_position_weight_percent: NullableNumeric;
  allow_symbols: string;
  deny_symbols: string;
  updated_at: Timestamp;
}

export interface DailyUsageTable {
  user_id: string;
  day: string;
  notional: Numeric;
}

export interface BrokerLinksTable {
  account_id: string;
  user_id: string;
  broker: string;
  environment: string;
  key_id: string;
  /** Envelope-encrypted secret key (context `execution:broker:<accountId>`). */
  secret_sealed: string;
  created_at: Timestamp;
}

export interface TransfersTable {
  id: string;
  user_id: string;
  account_id: string;
  direction: string;
  amount: Numeric;
  currency: string;
  status: string;
  provider: string;
  provider_transfer_id: string | null;
  failure_reason: string | null;
  created_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface PaperAccountsTable {
  account_id: string;
  user_id: string;
  currency: string;
  cash: Numeric;
}

export interface PaperPositionsTable {
  account_id: string;
  symbol: string;
  quantity: Numeric;
  last_price: Numeric;
}

export interface PaperOrdersTable {
  id: string;
  client_order_id: string;
  account_id: string;
  user_id: string;
  symbol: string;
  side: string;
  type: string;
  time_in_force: string;
  quantity: NullableNumeric;
  notional: NullableNumeric;
  limit_price: NullableNumeric;
  stop_price: NullableNumeric;
  trail_percent: NullableNumeric;
  trail_price: NullableNumeric;
  /** Best price seen since placement (trailing stops). */
  watermark: NullableNumeric;
  /** Cash a working buy holds back from buying power. */
  reserved_cash: Numeric;
  triggered: boolean;
  status: string;
  filled_quantity: Numeric;
  average_price: NullableNumeric;
  commission: Numeric;
  reason: string | null;
  calendar: string;
  /** Day orders expire at this instant (the close of their session). */
  expires_at: Timestamp | null;
  replaced_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type OrderRow = Selectable<OrdersTable>;
export type NewOrderRow = Insertable<OrdersTable>;
export type FillRow = Selectable<FillsTable>;
export type TransitionRow = Selectable<OrderTransitionsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type TransferRow = Selectable<TransfersTable>;
export type PaperOrderRow = Selectable<PaperOrdersTable>;
export type RiskSettingsRow = Selectable<RiskSettingsTable>;
export type PaperAccountRow = Selectable<PaperAccountsTable>;
