import { sql, type Kysely, type Migration } from 'kysely';

const now = sql`now()`;
const numeric = 'numeric';

/** Orders, fills, transitions, the audit chain, risk settings, broker links, transfers and the paper broker's book. */
export const init: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('accounts')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('archived', 'boolean', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();

    await db.schema
      .createTable('orders')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('account_id', 'uuid', (c) => c.notNull())
      .addColumn('client_order_id', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('broker', 'text', (c) => c.notNull())
      .addColumn('broker_order_id', 'text')
      .addColumn('symbol', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('time_in_force', 'text', (c) => c.notNull())
      .addColumn('quantity', numeric)
      .addColumn('notional', numeric)
      .addColumn('limit_price', numeric)
      .addColumn('stop_price', numeric)
      .addColumn('trail_percent', numeric)
      .addColumn('trail_price', numeric)
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('filled_quantity', numeric, (c) => c.notNull())
      .addColumn('average_price', numeric)
      .addColumn('commission', numeric, (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('reject_reason', 'text')
      .addColumn('replaces', 'uuid')
      .addColumn('replaced_by', 'uuid')
      .addColumn('acknowledged', 'boolean', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addUniqueConstraint('orders_client_order_id_key', ['user_id', 'client_order_id'])
      .execute();
    await db.schema.createIndex('orders_user_idx').on('orders').columns(['user_id', 'created_at']).execute();
    await db.schema.createIndex('orders_open_idx').on('orders').columns(['status', 'broker']).execute();

    await db.schema
      .createTable('order_transitions')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('order_id', 'uuid', (c) => c.notNull())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('order_transitions_order_idx').on('order_transitions').columns(['order_id', 'at']).execute();

    await db.schema
      .createTable('fills')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('order_id', 'uuid', (c) => c.notNull())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('cumulative_quantity', numeric, (c) => c.notNull())
      .addColumn('quantity', numeric, (c) => c.notNull())
      .addColumn('price', numeric, (c) => c.notNull())
      .addColumn('commission', numeric, (c) => c.notNull())
      .addColumn('filled_at', 'timestamptz', (c) => c.notNull())
      .addUniqueConstraint('fills_order_cumulative_key', ['order_id', 'cumulative_quantity'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('account_id', 'uuid', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('order_id', 'uuid')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_log_pkey', ['account_id', 'seq'])
      .execute();
    await db.schema
      .createTable('audit_heads')
      .addColumn('account_id', 'uuid', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('risk_settings')
      .addColumn('user_id', 'uuid', (c) => c.primaryKey())
      .addColumn('kill_switch', 'boolean', (c) => c.notNull())
      .addColumn('live_trading', 'boolean', (c) => c.notNull())
      .addColumn('max_order_notional', numeric)
      .addColumn('max_daily_notional', numeric)
      .addColumn('price_collar_percent', numeric)
      .addColumn('max_position_weight_percent', numeric)
      .addColumn('allow_symbols', 'text', (c) => c.notNull())
      .addColumn('deny_symbols', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema
      .createTable('daily_usage')
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('notional', numeric, (c) => c.notNull())
      .addPrimaryKeyConstraint('daily_usage_pkey', ['user_id', 'day'])
      .execute();

    await db.schema
      .createTable('broker_links')
      .addColumn('account_id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('broker', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('secret_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();

    await db.schema
      .createTable('transfers')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('account_id', 'uuid', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('amount', numeric, (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('provider_transfer_id', 'text')
      .addColumn('failure_reason', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('completed_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('transfers_status_idx').on('transfers').columns(['status']).execute();

    await db.schema
      .createTable('paper_accounts')
      .addColumn('account_id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('cash', numeric, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('paper_positions')
      .addColumn('account_id', 'uuid', (c) => c.notNull())
      .addColumn('symbol', 'text', (c) => c.notNull())
      .addColumn('quantity', numeric, (c) => c.notNull())
      .addColumn('last_price', numeric, (c) => c.notNull())
      .addPrimaryKeyConstraint('paper_positions_pkey', ['account_id', 'symbol'])
      .execute();
    await db.schema
      .createTable('paper_orders')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('client_order_id', 'text', (c) => c.notNull().unique())
      .addColumn('account_id', 'uuid', (c) => c.notNull())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('symbol', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('time_in_force', 'text', (c) => c.notNull())
      .addColumn('quantity', numeric)
      .addColumn('notional', numeric)
      .addColumn('limit_price', numeric)
      .addColumn('stop_price', numeric)
      .addColumn('trail_percent', numeric)
      .addColumn('trail_price', numeric)
      .addColumn('watermark', numeric)
      .addColumn('reserved_cash', numeric, (c) => c.notNull())
      .addColumn('triggered', 'boolean', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('filled_quantity', numeric, (c) => c.notNull())
      .addColumn('average_price', numeric)
      .addColumn('commission', numeric, (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('calendar', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz')
      .addColumn('replaced_by', 'uuid')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema.createIndex('paper_orders_open_idx').on('paper_orders').columns(['symbol', 'status']).execute();
  },
};
