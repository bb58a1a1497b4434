import { sql, type Kysely, type Migration } from 'kysely';

const now = sql`now()`;

/** Background computation jobs, so a restart can report interrupted work honestly. */
export const init: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('progress', 'double precision', (c) => c.notNull().defaultTo(0))
      .addColumn('input', 'jsonb', (c) => c.notNull())
      .addColumn('result', 'jsonb')
      .addColumn('error', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('started_at', 'timestamptz')
      .addColumn('finished_at', 'timestamptz')
      .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addCheckConstraint('jobs_kind_check', sql`kind in ('projection','optimisation','what-if')`)
      .addCheckConstraint('jobs_status_check', sql`status in ('queued','running','succeeded','failed')`)
      .addCheckConstraint('jobs_progress_check', sql`progress >= 0 and progress <= 1`)
      .execute();
    await db.schema.createIndex('jobs_user_idx').on('jobs').columns(['user_id', 'created_at']).execute();
    await db.schema.createIndex('jobs_active_idx').on('jobs').columns(['status', 'heartbeat_at']).where(sql<boolean>`status in ('queued','running')`).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('jobs').execute();
  },
};
