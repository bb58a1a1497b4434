import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { createTestDatabase, testDatabases, uniqueName } from '../testing/index.js';
import { platformMigrations, type BusTables } from './migrations.js';
import { createOutbox } from './outbox.js';

interface Tables extends BusTables {
  users: { id: string; email: string };
}

const registered = () => ({ userId: randomUUID(), email: 'ada@example.com', registeredAt: new Date().toISOString() });

describe.each(testDatabases())('the outbox on %s', (kind) => {
  let database: Database;
  let db: Kysely<Tables>;
  let schema: string;

  // One database per kind (PGlite takes a second or two to start), one schema per test.
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });

  afterAll(async () => {
    await database.close();
  });

  beforeEach(async () => {
    schema = uniqueName('auth');
    await migrateSchema(database, schema, platformMigrations, { tableName: 'platform_migration' });
    await migrateSchema(database, schema, {
      '0001_users': {
        up: (m) => m.schema.createTable('users').addColumn('id', 'uuid', (c) => c.primaryKey()).addColumn('email', 'text').execute(),
      },
    });
    db = database.forSchema<Tables>(schema);
  });

  it('writes the event in the caller transaction as a row with a UUIDv7 id', async () => {
    const outbox = createOutbox({ source: 'auth' });
    const data = registered();
    const id = await db.transaction().execute(async (trx) => {
      await trx.insertInto('users').values({ id: data.userId, email: data.email }).execute();
      return outbox.enqueue(trx, 'auth.user.registered', data, { subject: data.userId });
    });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const row = await db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ id, source: 'auth', type: 'auth.user.registered', subject: data.userId, data });
    expect(row.time).toBeInstanceOf(Date);
  });

  it('rolls the event back together with the state change', async () => {
    const outbox = createOutbox({ source: 'auth' });
    const data = registered();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values({ id: data.userId, email: data.email }).execute();
        await outbox.enqueue(trx, 'auth.user.registered', data);
        throw new Error('the business rule failed after the event was written');
      }),
    ).rejects.toThrow('business rule');
    expect(await db.selectFrom('users').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });

  it('refuses an event type that is not in the catalogue', async () => {
    const outbox = createOutbox({ source: 'auth' });
    // @ts-expect-error -- the point: a type the catalogue does not know
    await expect(outbox.enqueue(db, 'auth.user.teleported', {})).rejects.toThrow(/unknown event type/);
    expect(await db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });

  it('refuses data that does not match the catalogue schema', async () => {
    const outbox = createOutbox({ source: 'auth' });
    const bad = { ...registered(), email: 'not an email' };
    await expect(outbox.enqueue(db, 'auth.user.registered', bad)).rejects.toThrow(/invalid data for event auth\.user\.registered/);
    expect(await db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });

  it('writes many events at once, in order, and none of them if one is invalid', async () => {
    const outbox = createOutbox({ source: 'auth' });
    const items = Array.from({ length: 1500 }, () => ({ type: 'auth.user.registered' as const, data: registered() }));
    const ids = await db.transaction().execute((trx) => outbox.enqueueMany(trx, items));
    expect(ids).toHaveLength(1500);
    const rows = await db.selectFrom('outbox').select(['id', 'data']).orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows[1499]!.data).toEqual(items[1499]!.data);

    const bad = [...items.slice(0, 3), { type: 'auth.user.registered' as const, data: { ...registered(), userId: 'nope' } }];
    await expect(outbox.enqueueMany(db, bad)).rejects.toThrow(/invalid data/);
    expect(await db.selectFrom('outbox').select('id').execute()).toHaveLength(1500);
  });

  it('carries the current trace as the traceparent extension', async () => {
    const { runWithContext } = await import('../context.js');
    const outbox = createOutbox({ source: 'auth' });
    const ctx = { requestId: 'r1', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), sampled: true };
    await runWithContext(ctx, () => outbox.enqueue(db, 'auth.user.registered', registered()));
    const row = await db.selectFrom('outbox').select('traceparent').executeTakeFirstOrThrow();
    expect(row.traceparent).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
  });

  it('tells its listeners after each enqueue so the relay need not wait for a poll', async () => {
    const outbox = createOutbox({ source: 'auth' });
    let calls = 0;
    const unsubscribe = outbox.onEnqueued(() => calls++);
    await outbox.enqueue(db, 'auth.user.registered', registered());
    unsubscribe();
    await outbox.enqueue(db, 'auth.user.registered', registered());
    expect(calls).toBe(1);
  });

  it('creates the outbox and inbox in the service schema', async () => {
    const tables = await sql<{ table_schema: string; table_name: string }>`
      select table_schema, table_name from information_schema.tables
      where table_name in ('outbox', 'inbox') and table_schema = ${schema} order by table_name`.execute(database.root);
    expect(tables.rows).toEqual([
      { table_schema: schema, table_name: 'inbox' },
      { table_schema: schema, table_name: 'outbox' },
    ]);
  });
});
