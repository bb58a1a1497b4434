// Outbox → relay → transport → consumer → inbox, on both databases and both transports.
import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@meridian/contracts';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { uuidv7 } from '../ids.js';
import {
  createTestDatabase,
  createTestTransport,
  testDatabases,
  testLogger,
  testTransports,
  uniqueName,
} from '../testing/index.js';
import { startConsumer, type Consumer } from './consumer.js';
import { platformMigrations, type BusTables } from './migrations.js';
import { createOutbox } from './outbox.js';
import { startRelay, type Relay } from './relay.js';
import type { EventHandlers, Transport } from './types.js';

interface ConsumerTables extends BusTables {
  effects: { event_id: string; user_id: string };
  counter: { id: number; n: number };
}

const logger = testLogger();
const eventually = { timeout: 20_000, interval: 20 };

function registered(email = 'ada@example.com') {
  return { userId: randomUUID(), email, registeredAt: new Date().toISOString() };
}

function envelope(data: unknown, id = uuidv7()): CloudEvent {
  return {
    specversion: '1.0',
    id,
    source: 'test',
    type: 'auth.user.registered',
    time: new Date().toISOString(),
    data,
  } as CloudEvent; // some tests send data the catalogue refuses, on purpose
}

const combos = testDatabases().flatMap((db) => testTransports().map((transport) => [db, transport] as const));

describe.each(combos)('events on %s through the %s transport', (dbKind, transportKind) => {
  let database: Database;
  let transport: Transport;
  let producer: Kysely<BusTables>;
  let consumerDb: Kysely<ConsumerTables>;
  let queue: string;
  const running: Array<Relay | Consumer> = [];
  /** How often the handler ran per event id (including runs that threw). */
  let calls: Map<string, number>;
  let failFor: (email: string) => boolean;

  beforeAll(async () => {
    database = await createTestDatabase(dbKind);
  });

  afterAll(async () => {
    await database.close();
  });

  beforeEach(async () => {
    const producerSchema = uniqueName('producer');
    const consumerSchema = uniqueName('consumer');
    await migrateSchema(database, producerSchema, platformMigrations, { tableName: 'platform_migration' });
    await migrateSchema(database, consumerSchema, platformMigrations, { tableName: 'platform_migration' });
    await migrateSchema(database, consumerSchema, {
      '0001_effects': {
        async up(db) {
          await db.schema
            .createTable('effects')
            .addColumn('event_id', 'uuid', (c) => c.primaryKey())
            .addColumn('user_id', 'uuid', (c) => c.notNull())
            .execute();
          await db.schema.createTable('counter').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('n', 'integer').execute();
          await db.insertInto('counter').values({ id: 1, n: 0 }).execute();
        },
      },
    });
    producer = database.forSchema<BusTables>(producerSchema);
    consumerDb = database.forSchema<ConsumerTables>(consumerSchema);
    transport = await createTestTransport(transportKind, { database });
    queue = uniqueName('svc');
    calls = new Map();
    failFor = (email) => email.startsWith('poison');
  });

  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.stop();
    await transport.close();
  });

  const handlers: EventHandlers = {
    'auth.user.registered': async (event, trx) => {
      calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
      await trx.insertInto('effects').values({ event_id: event.id, user_id: event.data.userId }).execute();
      await trx.updateTable('counter').set((eb) => ({ n: eb('n', '+', 1) })).where('id', '=', 1).execute();
      // Thrown after the writes, so only a rollback can undo them.
      if (failFor(event.data.email)) throw new Error(`cannot register ${event.data.email}`);
    },
  };

  async function consume(maxAttempts = 3): Promise<void> {
    running.push(await startConsumer({ db: consumerDb, transport, queue, handlers, logger, maxAttempts }));
  }

  function relay(outbox = createOutbox({ source: 'producer' }), over: Transport = transport): Relay {
    const r = startRelay({ db: producer, transport: over, logger, outbox, pollIntervalMs: 100 });
    running.push(r);
    return r;
  }

  const counter = async () => (await consumerDb.selectFrom('counter').select('n').executeTakeFirstOrThrow()).n;
  const effects = async () => (await consumerDb.selectFrom('effects').select('event_id').orderBy('event_id').execute()).map((r) => r.event_id);

  it('delivers every committed event to the consumer once', async () => {
    await consume();
    const outbox = createOutbox({ source: 'producer' });
    relay(outbox);
    const ids: string[] = [];
    for (let t = 0; t < 10; t++) {
      await producer.transaction().execute(async (trx) => {
        for (let i = 0; i < 5; i++) ids.push(await outbox.enqueue(trx, 'auth.user.registered', registered()));
      });
    }
    await vi.waitFor(async () => expect(await counter()).toBe(50), eventually);
    expect(await effects()).toEqual([...ids].sort());
    await vi.waitFor(async () => expect(await producer.selectFrom('outbox').selectAll().execute()).toEqual([]), eventually);
  });

  it('applies the effect once when the same event is delivered again', async () => {
    await consume();
    const event = envelope(registered());
    await transport.publish([event]);
    await transport.publish([event, event]);
    // The handler runs once; the two redeliveries stop at the inbox.
    const inbox = () => consumerDb.selectFrom('inbox').selectAll().execute();
    await vi.waitFor(async () => expect(await inbox()).toHaveLength(1), eventually);
    const later = envelope(registered());
    await transport.publish([later]);
    await vi.waitFor(async () => expect(await counter()).toBe(2), eventually);
    expect(calls.get(event.id)).toBe(1);
    expect(await effects()).toEqual([event.id, later.id].sort());
  });

  it('publishes nothing from a transaction that rolled back', async () => {
    await consume();
    const outbox = createOutbox({ source: 'producer' });
    relay(outbox);
    await expect(
      producer.transaction().execute(async (trx) => {
        await outbox.enqueue(trx, 'auth.user.registered', registered());
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const kept = await producer.transaction().execute((trx) => outbox.enqueue(trx, 'auth.user.registered', registered()));
    await vi.waitFor(async () => expect(await counter()).toBe(1), eventually);
    expect(await effects()).toEqual([kept]);
  });

  it('rolls back a failed handling with its effects and parks the event after its attempts while the rest flow on', async () => {
    await consume(3);
    const outbox = createOutbox({ source: 'producer' });
    relay(outbox);
    const poison = await producer.transaction().execute(async (trx) => {
      for (let i = 0; i < 10; i++) await outbox.enqueue(trx, 'auth.user.registered', registered());
      const id = await outbox.enqueue(trx, 'auth.user.registered', registered('poison@example.com'));
      for (let i = 0; i < 10; i++) await outbox.enqueue(trx, 'auth.user.registered', registered());
      return id;
    });
    await vi.waitFor(async () => expect(await transport.listParked(queue)).toHaveLength(1), eventually);
    await vi.waitFor(async () => expect(await counter()).toBe(20), eventually);
    const [parked] = await transport.listParked(queue);
    expect(parked).toMatchObject({ id: poison, type: 'auth.user.registered', attempts: 3 });
    expect(parked!.reason).toContain('cannot register poison@example.com');
    expect(parked!.body).toMatchObject({ id: poison, data: { email: 'poison@example.com' } });
    // At least once per attempt: a failure inside a group commit reruns the event alone.
    expect(calls.get(poison)).toBeGreaterThanOrEqual(3);
    expect(await effects()).not.toContain(poison);
  });

  it('parks an event that fails validation at once, without retrying it', async () => {
    await consume(5);
    const invalid = envelope({ userId: 'not-a-uuid', email: 'x' });
    await transport.publish([invalid]);
    await vi.waitFor(async () => expect(await transport.listParked(queue)).toHaveLength(1), eventually);
    const [parked] = await transport.listParked(queue);
    expect(parked).toMatchObject({ id: invalid.id, attempts: 1 });
    expect(parked!.reason).toContain('not a valid event');
    expect(calls.size).toBe(0);
  });

  it('lists parked events without removing them and replays them once the cause is fixed', async () => {
    await consume(2);
    const first = envelope(registered('poison-1@example.com'));
    const second = envelope(registered('poison-2@example.com'));
    await transport.publish([first, second]);
    await vi.waitFor(async () => expect(await transport.listParked(queue)).toHaveLength(2), eventually);
    // Listing is a peek: the same two are still there.
    expect((await transport.listParked(queue)).map((p) => p.id).sort()).toEqual([first.id, second.id].sort());

    failFor = () => false;
    expect(await transport.replayParked(queue, [second.id])).toBe(1);
    await vi.waitFor(async () => expect(await effects()).toEqual([second.id]), eventually);
    await vi.waitFor(async () => expect((await transport.listParked(queue)).map((p) => p.id)).toEqual([first.id]), eventually);

    expect(await transport.replayParked(queue)).toBe(1);
    await vi.waitFor(async () => expect(await effects()).toEqual([first.id, second.id].sort()), eventually);
    await vi.waitFor(async () => expect(await transport.listParked(queue)).toEqual([]), eventually);
    expect(await counter()).toBe(2);
  });

  it('keeps the rows while publishing fails and publishes them once the transport recovers', async () => {
    await consume();
    let refusals = 0;
    const flaky: Transport = {
      ...transport,
      async publish(events) {
        if (refusals < 3) {
          refusals++;
          throw new Error('broker unavailable');
        }
        return transport.publish(events);
      },
    };
    const outbox = createOutbox({ source: 'producer' });
    relay(outbox, flaky);
    await producer.transaction().execute(async (trx) => {
      for (let i = 0; i < 10; i++) await outbox.enqueue(trx, 'auth.user.registered', registered());
    });
    await vi.waitFor(async () => expect(await counter()).toBe(10), eventually);
    expect(refusals).toBe(3);
    await vi.waitFor(async () => expect(await producer.selectFrom('outbox').selectAll().execute()).toEqual([]), eventually);
  });

  it('publishes rows written before the relay started, by polling', async () => {
    await consume();
    const outbox = createOutbox({ source: 'producer' });
    const id = await outbox.enqueue(producer, 'auth.user.registered', registered());
    relay(createOutbox({ source: 'producer' })); // not the outbox that wrote: no wake-up
    await vi.waitFor(async () => expect(await effects()).toEqual([id]), eventually);
  });

  // Several relays only make sense on PostgreSQL; PGlite is one process with one relay.
  if (dbKind === 'postgres') {
    it('shares one outbox between two relays without losing or doubling an effect', async () => {
      await consume();
      const outbox = createOutbox({ source: 'producer' });
      relay(outbox);
      relay(outbox);
      for (let t = 0; t < 20; t++) {
        await producer.transaction().execute(async (trx) => {
          for (let i = 0; i < 10; i++) await outbox.enqueue(trx, 'auth.user.registered', registered());
        });
      }
      await vi.waitFor(async () => expect(await counter()).toBe(200), eventually);
      expect(await effects()).toHaveLength(200);
    });
  }
});
