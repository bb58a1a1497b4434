import { sql, type Generated, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabases } from '../testing/index.js';
import type { Database } from './database.js';
import { migrateSchema, type Migrations } from './migrate.js';
import { writeTogether } from './write-together.js';

interface Tables {
  lots: { id: Generated<number>; user_id: string; quantity: string; opened_on: string; created_at: Generated<Date> };
}

const migrations: Migrations = {
  '0001_lots': {
    async up(db) {
      await db.schema
        .createTable('lots')
        .addColumn('id', 'serial', (c) => c.primaryKey())
        .addColumn('user_id', 'uuid', (c) => c.notNull())
        .addColumn('quantity', 'numeric(38, 18)', (c) => c.notNull())
        .addColumn('opened_on', 'date', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
};

describe.each(testDatabases())('the database on %s', (kind) => {
  let database: Database;
  let db: Kysely<Tables>;
  const user = '0190b2a0-0000-7000-8000-000000000001';

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await migrateSchema(database, 'ledger', migrations);
    db = database.forSchema<Tables>('ledger');
  });
  afterAll(async () => {
    await database.close();
  });

  it('creates tables inside the service schema only', async () => {
    const rows = await sql<{ table_schema: string }>`
      select table_schema from information_schema.tables where table_name = 'lots'`.execute(database.root);
    expect(rows.rows.map((r) => r.table_schema)).toEqual(['ledger']);
  });

  it('applies migrations once however often it is asked', async () => {
    const again = await migrateSchema(database, 'ledger', migrations);
    expect(again.results).toEqual([]);
  });

  it('keeps NUMERIC exact and DATE a calendar day', async () => {
    await db
      .insertInto('lots')
      .values({ user_id: user, quantity: '0.123456789012345678', opened_on: '2024-02-29' })
      .execute();
    const row = await db.selectFrom('lots').selectAll().where('user_id', '=', user).executeTakeFirstOrThrow();
    expect(row.quantity).toBe('0.123456789012345678');
    expect(row.opened_on).toBe('2024-02-29');
    expect(row.created_at).toBeInstanceOf(Date);
    const count = await db.selectFrom('lots').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });

  it('rolls back every write of a failed transaction', async () => {
    const before = await db.selectFrom('lots').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('lots').values({ user_id: user, quantity: '1', opened_on: '2024-01-01' }).execute();
        throw new Error('fails after the write');
      }),
    ).rejects.toThrow('fails after the write');
    const after = await db.selectFrom('lots').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('does not interleave concurrent transactions', async () => {
    // Each transaction reads the count and writes count+1 as its quantity; serialised (or
    // isolated) transactions never see each other's uncommitted rows.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction().setIsolationLevel('serializable').execute(async (trx) => {
          await trx.insertInto('lots').values({ user_id: user, quantity: '2', opened_on: '2024-01-02' }).execute();
        }).catch((err: unknown) => {
          // PostgreSQL may abort a serializable transaction; that is isolation working.
          if (kind === 'pglite') throw err;
        }),
      ),
    );
    const rows = await db.selectFrom('lots').select('quantity').where('opened_on', '=', '2024-01-02').execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(20);
    if (kind === 'pglite') expect(rows.length).toBe(20);
  });

  it('answers a ping', async () => {
    await expect(database.ping()).resolves.toBeUndefined();
  });
  it('writes several tables in one statement, all or nothing', async () => {
    const other = '0190b2a0-0000-7000-8000-000000000002';
    await writeTogether(db, [
      (qc) => qc.insertInto('lots').values({ user_id: other, quantity: '1.5', opened_on: '2024-01-02' }),
      (qc) => qc.insertInto('lots').values({ user_id: other, quantity: '2.5', opened_on: '2024-01-03' }),
      (qc) => qc.updateTable('lots').set({ quantity: '9' }).where('user_id', '=', user),
    ]);
    const rows = await db.selectFrom('lots').select(['user_id', 'quantity']).where('user_id', '=', other).orderBy('opened_on').execute();
    expect(rows.map((r) => Number(r.quantity))).toEqual([1.5, 2.5]);
    const before = (await db.selectFrom('lots').select('id').execute()).length;
    await expect(
      writeTogether(db, [
        (qc) => qc.insertInto('lots').values({ user_id: other, quantity: '3', opened_on: '2024-01-04' }),
        (qc) => qc.insertInto('lots').values({ user_id: other, quantity: 'not a number', opened_on: '2024-01-05' }),
      ]),
    ).rejects.toThrow();
    expect((await db.selectFrom('lots').select('id').execute()).length).toBe(before);
  });
});
