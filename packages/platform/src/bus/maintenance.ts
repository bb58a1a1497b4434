import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import type { BusTables } from './migrations.js';

export interface MaintenanceOptions {
  database: Database;
  /** The service's schema (where its `outbox` and `inbox` are). */
  schema: string;
  /** Inbox rows older than this are forgotten: a redelivery older than that is not expected. */
  inboxRetentionDays: number;
}

export interface MaintenanceResult {
  inboxPruned: number;
  vacuumed: boolean;
}

/**
 * Keeps a service's event tables from growing without end. The inbox keeps each handled
 * event's id for `inboxRetentionDays` (long past any redelivery: the relay deletes a row once
 * the broker confirmed it, and RabbitMQ redelivers within minutes), then forgets it. On PGlite,
 * which runs PostgreSQL without its autovacuum worker, the outbox and inbox are vacuumed and
 * the schema's tables analysed here: a busy outbox, emptied by the relay, otherwise keeps
 * every page it ever had, and every look for new rows reads them all.
 */
export async function maintainEventTables(options: MaintenanceOptions): Promise<MaintenanceResult> {
  const db = options.database.forSchema<BusTables>(options.schema);
  const cutoff = new Date(Date.now() - options.inboxRetentionDays * 86_400_000);
  const pruned = await db.deleteFrom('inbox').where('handled_at', '<', cutoff).executeTakeFirst();
  const vacuumed = options.database.kind === 'pglite';
  if (vacuumed) {
    // VACUUM cannot run in a transaction block: straight on the database, schema-qualified.
    const root = options.database.root;
    for (const table of ['outbox', 'inbox']) await sql`vacuum ${sql.table(`${options.schema}.${table}`)}`.execute(root);
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = ${options.schema}`.execute(root);
    for (const { tablename } of tables.rows) await sql`analyze ${sql.table(`${options.schema}.${tablename}`)}`.execute(root);
  }
  return { inboxPruned: Number(pruned.numDeletedRows), vacuumed };
}

/** Runs {@link maintainEventTables} now and every `intervalMs` until stopped. */
export function scheduleMaintenance(options: MaintenanceOptions & { intervalMs: number; logger: Logger }): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = maintainEventTables(options).then(
      (r) => {
        if (r.inboxPruned > 0) options.logger.info(r, 'event tables maintained');
      },
      (err: unknown) => options.logger.warn({ err }, 'event table maintenance failed; tried again next time'),
    );
  };
  // The first run waits a while: not during start-up, when the platform is busiest.
  const first = setTimeout(run, Math.min(options.intervalMs, 5 * 60_000));
  const timer = setInterval(run, options.intervalMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
