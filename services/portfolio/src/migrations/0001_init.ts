import type { Kysely, Migration } from 'kysely';

/** Accounts, activities and per-user state of the read model. */
export const init: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('accounts')
      .addColumn('account_id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('institution', 'text')
      .addColumn('track_cash', 'boolean', (c) => c.notNull())
      .addColumn('cost_basis_method', 'text', (c) => c.notNull())
      .addColumn('archived', 'boolean', (c) => c.notNull())
      .addColumn('deleted', 'boolean', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('portfolio_accounts_user_idx').on('accounts').column('user_id').execute();

    await db.schema
      .createTable('activities')
      .addColumn('activity_id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('account_id', 'uuid', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('date', 'date', (c) => c.notNull())
      .addColumn('symbol', 'text')
      .addColumn('quantity', 'numeric')
      .addColumn('unit_price', 'numeric')
      .addColumn('amount', 'numeric')
      .addColumn('fee', 'numeric', (c) => c.notNull())
      .addColumn('tax', 'numeric', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('ratio', 'text')
      .addColumn('transfer_id', 'uuid')
      .addColumn('deleted', 'boolean', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('seq', 'bigserial', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('portfolio_activities_user_idx').on('activities').columns(['user_id', 'date']).execute();

    await db.schema
      .createTable('user_state')
      .addColumn('user_id', 'uuid', (c) => c.primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('base_currency', 'text')
      .execute();
  },
};
