import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@meridian/contracts';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { createTestDatabase, testDatabases, testLogger, uniqueName } from '../testing/index.js';
import { platformMigrations, type BusTables } from './migrations.js';
import { createOutbox } from './outbox.js';
import { startRelay } from './relay.js';
import type { Transport } from './types.js';

const logger = testLogger();

/** A transport that records what it is given (or refuses everything). */
function recordingTransport(refuse = false): Transport & { published: CloudEvent[] } {
  const published: CloudEvent[] = [];
  return {
    kind: 'memory',
    published,
    async publish(events) {
      if (refuse) throw new Error('broker unavailable');
      published.push(...events);
    },
    consume: () => Promise.reject(new Error('not used')),
    listParked: async () => [],
    replayParked: async () => 0,
    ready: async () => true,
    close: async () => undefined,
  };
}

describe.each(testDatabases())('the outbox relay on %s', (kind) => {
  let database: Database;
  let db: Kysely<BusTables>;
  const outbox = createOutbox({ source: 'auth' });
  const enqueue = () =>
    outbox.enqueue(db, 'auth.user.registered', { userId: randomUUID(), email: 'ada@example.com', registeredAt: new Date().toISOString() });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });

  afterAll(async () => {
    await database.close();
  });

  beforeEach(async () => {
    const schema = uniqueName('auth');
    await migrateSchema(database, schema, platformMigrations, { tableName: 'platform_migration' });
    db = database.forSchema<BusTables>(schema);
  });

  it('publishes complete CloudEvents in creation order and deletes their rows', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await enqueue());
    const transport = recordingTransport();
    const relay = startRelay({ db, transport, logger, batchSize: 7 });
    await vi.waitFor(() => expect(transport.published).toHaveLength(30));
    await relay.stop();
    expect(transport.published.map((e) => e.id)).toEqual(ids);
    expect(transport.published[0]).toMatchObject({
      specversion: '1.0',
      source: 'auth',
      type: 'auth.user.registered',
      datacontenttype: 'application/json',
      data: { email: 'ada@example.com' },
    });
    expect(Date.parse(transport.published[0]!.time)).not.toBeNaN();
    expect(await db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });

  it('publishes what is left before it stops', async () => {
    const transport = recordingTransport();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inFlight = false;
    const slow: Transport = {
      ...transport,
      async publish(events) {
        inFlight = true;
        await gate;
        return transport.publish(events);
      },
    };
    await enqueue();
    // A poll interval longer than the test and no wake-ups: after the batch in flight only
    // the drain can publish the rows written meanwhile.
    const relay = startRelay({ db, transport: slow, logger, pollIntervalMs: 60_000, batchSize: 1 });
    await vi.waitFor(() => expect(inFlight).toBe(true));
    await enqueue();
    await enqueue();
    const stopping = relay.stop();
    release();
    await stopping;
    expect(transport.published).toHaveLength(3);
    expect(await db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });

  it('keeps the rows when the transport refuses until it stops', async () => {
    await enqueue();
    const relay = startRelay({ db, transport: recordingTransport(true), logger, drainTimeoutMs: 100 });
    await relay.stop();
    expect(await db.selectFrom('outbox').selectAll().execute()).toHaveLength(1);
  });
});
