import { sql, type Kysely, type Migration } from 'kysely';

const now = sql`now()`;

/** Accounts, activities, imports, per-user versions and idempotency keys. */
export const init: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('accounts')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('institution', 'text')
      .addColumn('track_cash', 'boolean', (c) => c.notNull())
      .addColumn('cost_basis_method', 'text', (c) => c.notNull())
      .addColumn('archived_at', 'timestamptz')
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addCheckConstraint('accounts_type_check', sql`type in ('BROKERAGE','BANK','RETIREMENT','CRYPTO_WALLET','REAL_ESTATE','OTHER')`)
      .addCheckConstraint('accounts_cost_basis_check', sql`cost_basis_method in ('FIFO','AVERAGE')`)
      .execute();
    await db.schema.createIndex('accounts_user_idx').on('accounts').columns(['user_id', 'created_at']).execute();

    await db.schema
      .createTable('imports')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('preset', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text')
      .addColumn('created_count', 'integer', (c) => c.notNull())
      .addColumn('skipped_count', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema.createIndex('imports_user_idx').on('imports').columns(['user_id', 'created_at']).execute();

    await db.schema
      .createTable('activities')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('date', 'date', (c) => c.notNull())
      .addColumn('symbol', 'text')
      .addColumn('quantity', 'numeric')
      .addColumn('unit_price', 'numeric')
      .addColumn('amount', 'numeric')
      .addColumn('fee', 'numeric', (c) => c.notNull().defaultTo(0))
      .addColumn('tax', 'numeric', (c) => c.notNull().defaultTo(0))
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('ratio', 'text')
      .addColumn('transfer_id', 'uuid')
      .addColumn('notes', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('import_id', 'uuid', (c) => c.references('imports.id').onDelete('set null'))
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addCheckConstraint(
        'activities_type_check',
        sql`type in ('BUY','SELL','DIVIDEND','INTEREST','FEE','TAX','DEPOSIT','WITHDRAWAL','TRANSFER_IN','TRANSFER_OUT','SPLIT','VALUATION')`,
      )
      // Last line of defence behind the service's validation: no negative quantities, prices or charges.
      .addCheckConstraint('activities_quantity_check', sql`quantity is null or quantity > 0`)
      .addCheckConstraint('activities_unit_price_check', sql`unit_price is null or unit_price >= 0`)
      .addCheckConstraint('activities_fee_check', sql`fee >= 0 and tax >= 0`)
      .execute();
    // Listing: a user's activities newest first (keyset pagination on date, id).
    await db.schema.createIndex('activities_user_date_idx').on('activities').columns(['user_id', 'date', 'id']).execute();
    // Validation replays an account's ledger.
    await db.schema.createIndex('activities_account_date_idx').on('activities').columns(['account_id', 'date']).execute();
    await db.schema.createIndex('activities_user_symbol_idx').on('activities').columns(['user_id', 'symbol']).execute();
    await db.schema.createIndex('activities_transfer_idx').on('activities').column('transfer_id').execute();
    await db.schema.createIndex('activities_import_idx').on('activities').column('import_id').execute();

    await db.schema
      .createTable('user_versions')
      .addColumn('user_id', 'uuid', (c) => c.primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('idempotency_keys')
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('response', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
      .execute();
    await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['idempotency_keys', 'user_versions', 'activities', 'imports', 'accounts']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
