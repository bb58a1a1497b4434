import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { Migrations } from '../db/migrate.js';

/** One event waiting to be published; the relay deletes the row once the broker has it. */
export interface OutboxTable {
  /** The CloudEvent id (UUIDv7, so `order by id` is creation order). */
  id: string;
  source: string;
  type: string;
  subject: string | null;
  time: ColumnType<Date, string, never>;
  data: ColumnType<unknown, string, never>;
  traceparent: string | null;
  created_at: Generated<Date>;
}

/** One event this service has handled; its primary key makes redelivery a no-op. */
export interface InboxTable {
  event_id: string;
  type: string;
  handled_at: Generated<Date>;
}

export interface BusTables {
  outbox: OutboxTable;
  inbox: InboxTable;
}

/**
 * The outbox and inbox tables, created in each service's own schema before its own
 * migrations: `migrateSchema(db, schema, platformMigrations, { tableName: 'platform_migration' })`.
 */
export const platformMigrations: Migrations = {
  '0001_outbox_inbox': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('outbox')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('time', 'timestamptz', (c) => c.notNull())
        .addColumn('data', 'jsonb', (c) => c.notNull())
        .addColumn('traceparent', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('inbox')
        .addColumn('event_id', 'uuid', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('handled_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('inbox').execute();
      await db.schema.dropTable('outbox').execute();
    },
  },
};
