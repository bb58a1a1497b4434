// What the reliability tests share: a producer schema with an outbox, a consumer schema whose
// effect is a row per event id (unique) plus a counter, and helpers to produce and observe.
import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import type { Kysely } from 'kysely';
import {
  migrateSchema,
  platformMigrations,
  type BusTables,
  type Database,
  type EventHandlers,
  type Migrations,
  type ServiceOutbox,
} from '@meridian/platform';

export const EVENTS = 10_000;
export const RETRY_DELAYS_MS = [100, 500];

export interface LedgerTables extends BusTables {
  effects: { event_id: string; user_id: string };
  counter: { id: number; n: number };
}

const ledgerMigrations: Migrations = {
  '0001_ledger': {
    async up(db) {
      await db.schema
        .createTable('effects')
        .addColumn('event_id', 'uuid', (c) => c.primaryKey())
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .execute();
      await db.schema.createTable('counter').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('n', 'integer', (c) => c.notNull()).execute();
      await (db as Kysely<LedgerTables>).insertInto('counter').values({ id: 1, n: 0 }).execute();
    },
  },
};

export async function prepareSchemas(database: Database, producerSchema: string, consumerSchema: string): Promise<void> {
  await migrateSchema(database, producerSchema, platformMigrations, { tableName: 'platform_migration' });
  await migrateSchema(database, consumerSchema, platformMigrations, { tableName: 'platform_migration' });
  await migrateSchema(database, consumerSchema, ledgerMigrations);
}

/**
 * The consumer's effect: the event id into a table where it is the primary key (a second
 * application would fail loudly, not hide) and one more on the counter.
 */
export function ledgerHandlers(isPoison: (email: string) => boolean = () => false): EventHandlers {
  return {
    'auth.user.registered': async (event, trx) => {
      await trx.insertInto('effects').values({ event_id: event.id, user_id: event.data.userId }).execute();
      await trx.updateTable('counter').set((eb) => ({ n: eb('n', '+', 1) })).where('id', '=', 1).execute();
      if (isPoison(event.data.email)) throw new Error(`refusing ${event.data.email}`);
    },
  };
}

/** Writes `count` events through the outbox, `perTransaction` to a transaction; returns their ids. */
export async function produce(
  db: Kysely<BusTables>,
  outbox: ServiceOutbox,
  count: number,
  options: { perTransaction?: number; emailOf?: (i: number) => string } = {},
): Promise<string[]> {
  const per = options.perTransaction ?? 100;
  const ids: string[] = [];
  for (let start = 0; start < count; start += per) {
    await db.transaction().execute(async (trx) => {
      for (let i = start; i < Math.min(count, start + per); i++) {
        const email = options.emailOf?.(i) ?? `user${i}@example.com`;
        ids.push(await outbox.enqueue(trx, 'auth.user.registered', { userId: randomUUID(), email, registeredAt: new Date().toISOString() }));
      }
    });
  }
  return ids;
}

export async function counterOf(db: Kysely<LedgerTables>): Promise<number> {
  return (await db.selectFrom('counter').select('n').where('id', '=', 1).executeTakeFirstOrThrow()).n;
}

export async function effectIds(db: Kysely<LedgerTables>): Promise<string[]> {
  return (await db.selectFrom('effects').select('event_id').execute()).map((r) => r.event_id);
}

/** Polls `check` until it holds; the bound only stops a broken run from hanging. */
export async function until(what: string, check: () => Promise<boolean>, boundMs = 100_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Deletes a test's queues and exchange so the broker does not keep them. */
export async function deleteTopology(url: string, exchange: string, prefix: string, queue: string): Promise<void> {
  const conn = await connect(url);
  try {
    const ch = await conn.createChannel();
    const main = `${prefix}.${queue}`;
    for (const name of [main, `${main}.parking`, ...RETRY_DELAYS_MS.map((ms) => `${main}.retry.${ms}`)]) await ch.deleteQueue(name);
    await ch.deleteExchange(exchange);
    await ch.close();
  } finally {
    await conn.close();
  }
}
