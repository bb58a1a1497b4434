import { sql, type Kysely, type Migration } from 'kysely';

const now = sql`now()`;

/** Instruments (shared and manual), daily prices, latest quotes, FX rates, tracking queue. */
export const init: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('instruments')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('symbol', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'uuid')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('exchange', 'text')
      .addColumn('sector', 'text')
      .addColumn('country', 'text')
      .addColumn('data_source', 'text', (c) => c.notNull())
      .addColumn('provider_ids', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('history_from', 'date')
      .addColumn('tracked_at', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      // A manual instrument has an owner; a market one never does.
      .addCheckConstraint('instruments_manual_owned', sql`(data_source = 'MANUAL') = (owner_id is not null)`)
      .execute();
    // One shared instrument per symbol, and per user one manual instrument per symbol: two
    // users may both call theirs "HOUSE" without learning of each other.
    await db.schema.createIndex('instruments_shared_symbol').on('instruments').column('symbol').unique().where(sql.ref('owner_id'), 'is', null).execute();
    await db.schema.createIndex('instruments_owner_symbol').on('instruments').columns(['owner_id', 'symbol']).unique().where(sql.ref('owner_id'), 'is not', null).execute();

    await db.schema
      .createTable('prices')
      .addColumn('instrument_id', 'uuid', (c) => c.notNull().references('instruments.id').onDelete('cascade'))
      .addColumn('date', 'date', (c) => c.notNull())
      .addColumn('close', 'numeric', (c) => c.notNull().check(sql`close > 0`))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('simulated', 'boolean', (c) => c.notNull())
      .addColumn('confirmed_by', 'text')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint('prices_pk', ['instrument_id', 'date'])
      .execute();

    await db.schema
      .createTable('quotes')
      .addColumn('instrument_id', 'uuid', (c) => c.primaryKey().references('instruments.id').onDelete('cascade'))
      .addColumn('price', 'numeric', (c) => c.notNull().check(sql`price > 0`))
      .addColumn('previous_close', 'numeric')
      .addColumn('as_of', 'timestamptz', (c) => c.notNull())
      .addColumn('session_date', 'date', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('simulated', 'boolean', (c) => c.notNull())
      .addColumn('confirmed_by', 'text')
      .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('fx_pairs')
      .addColumn('base', 'text', (c) => c.notNull())
      .addColumn('quote', 'text', (c) => c.notNull())
      .addColumn('history_from', 'date', (c) => c.notNull())
      .addColumn('tracked_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('fx_pairs_pk', ['base', 'quote'])
      .execute();

    await db.schema
      .createTable('fx_rates')
      .addColumn('base', 'text', (c) => c.notNull())
      .addColumn('quote', 'text', (c) => c.notNull())
      .addColumn('date', 'date', (c) => c.notNull())
      .addColumn('rate', 'numeric', (c) => c.notNull().check(sql`rate > 0`))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('simulated', 'boolean', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint('fx_rates_pk', ['base', 'quote', 'date'])
      .execute();

    await db.schema
      .createTable('track_requests')
      .addColumn('symbol', 'text', (c) => c.primaryKey())
      .addColumn('hints', 'text')
      .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('track_requests_due').on('track_requests').column('next_attempt_at').execute();
  },
};
