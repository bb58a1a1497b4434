import type { Kysely, Migration } from 'kysely';

/**
 * Where each account's ledger replay stood after the last write that checked it, and at which
 * user version: an append checks against it instead of replaying the whole history.
 */
export const ledgerSnapshots: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('ledger_snapshots')
      .addColumn('account_id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('state', 'jsonb', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ledger_snapshots_user_idx').on('ledger_snapshots').column('user_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('ledger_snapshots').execute();
  },
};
