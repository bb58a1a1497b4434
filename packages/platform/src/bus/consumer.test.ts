import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@meridian/contracts';
import type { Kysely, Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { uuidv7 } from '../ids.js';
import { createTestDatabase, testDatabases, testLogger, uniqueName } from '../testing/index.js';
import { startConsumer } from './consumer.js';
import { createMemoryTransport } from './memory-transport.js';
import { platformMigrations, type BusTables } from './migrations.js';

interface Tables extends BusTables {
  effects: { event_id: string };
}

const logger = testLogger();

function registered(email: string): CloudEvent {
  return {
    specversion: '1.0',
    id: uuidv7(),
    source: 'test',
    type: 'auth.user.registered',
    time: new Date().toISOString(),
    data: { userId: randomUUID(), email, registeredAt: new Date().toISOString() },
  };
}

describe.each(testDatabases())('the consumer on %s', (kind) => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });

  afterAll(async () => {
    await database.close();
  });

  async function consumerSchema(): Promise<Kysely<Tables>> {
    const schema = uniqueName('consumer');
    await migrateSchema(database, schema, platformMigrations, { tableName: 'platform_migration' });
    await migrateSchema(database, schema, {
      '0001_effects': { up: (db) => db.schema.createTable('effects').addColumn('event_id', 'uuid', (c) => c.primaryKey()).execute() },
    });
    return database.forSchema<Tables>(schema);
  }

  it('commits events that queue up together in one transaction, and a failing one undoes none of the others', async () => {
    const db = await consumerSchema();
    const transport = await createMemoryTransport({ database, logger, retryBaseMs: 1 });
    const transactions = new Map<Transaction<Tables>, number>();
    const queue = uniqueName('grouped');
    const consumer = await startConsumer({
      db,
      transport,
      queue,
      logger,
      maxAttempts: 2,
      prefetch: 20,
      parallelism: 1,
      handlers: {
        'auth.user.registered': async (event, trx) => {
          transactions.set(trx, (transactions.get(trx) ?? 0) + 1);
          await trx.insertInto('effects').values({ event_id: event.id }).execute();
          if (event.data.email.startsWith('poison')) throw new Error('refused');
        },
      },
    });
    const events = Array.from({ length: 20 }, (_, i) => registered(i === 10 ? 'poison@example.com' : `user${i}@example.com`));
    await transport.publish(events);

    // Waiting behind the first transaction, the others went through together.
    expect(Math.max(...transactions.values())).toBeGreaterThan(1);
    const applied = (await db.selectFrom('effects').select('event_id').execute()).map((r) => r.event_id);
    expect(new Set(applied)).toEqual(new Set(events.filter((_, i) => i !== 10).map((e) => e.id)));
    expect(await transport.listParked(queue)).toMatchObject([{ id: events[10]!.id, attempts: 2 }]);
    await consumer.stop();
    await transport.close();
  });

  it('handles an event delivered twice in the same group once', async () => {
    const db = await consumerSchema();
    const transport = await createMemoryTransport({ database, logger });
    let calls = 0;
    const consumer = await startConsumer({
      db,
      transport,
      queue: uniqueName('twice'),
      logger,
      parallelism: 1,
      handlers: {
        'auth.user.registered': async (event, trx) => {
          calls++;
          await trx.insertInto('effects').values({ event_id: event.id }).execute();
        },
      },
    });
    const first = registered('a@example.com');
    const twice = registered('b@example.com');
    await transport.publish([first, twice, twice, twice]);
    expect(calls).toBe(2);
    expect(await db.selectFrom('inbox').select('event_id').execute()).toHaveLength(2);
    await consumer.stop();
    await transport.close();
  });
});
