import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { createTestDatabase, testDatabases, uniqueName } from '../testing/index.js';
import { maintainEventTables } from './maintenance.js';
import { platformMigrations, type BusTables } from './migrations.js';

describe.each(testDatabases())('event table maintenance on %s', (kind) => {
  let database: Database;
  let db: Kysely<BusTables>;
  const schema = uniqueName('maint');

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await migrateSchema(database, schema, platformMigrations, { tableName: 'platform_migration' });
    db = database.forSchema<BusTables>(schema);
  });
  afterAll(async () => {
    await database.close();
  });

  const outboxPages = async () =>
    Number((await sql<{ size: string }>`select pg_relation_size(${`${schema}.outbox`}) as size`.execute(database.root)).rows[0]?.size);

  it('forgets inbox entries past their retention and keeps the recent ones', async () => {
    const old = randomUUID();
    const recent = randomUUID();
    await db.insertInto('inbox').values([{ event_id: old, type: 'auth.user.deleted', handled_at: new Date(Date.now() - 8 * 86_400_000) }, { event_id: recent, type: 'auth.user.deleted' }]).execute();
    const result = await maintainEventTables({ database, schema, inboxRetentionDays: 7 });
    expect(result.inboxPruned).toBe(1);
    expect((await db.selectFrom('inbox').select('event_id').execute()).map((r) => r.event_id)).toEqual([recent]);
  });

  it('gives back the pages of an emptied outbox on PGlite, which has no autovacuum worker', async () => {
    for (let round = 0; round < 5; round++) {
      await sql`insert into ${sql.table(`${schema}.outbox`)} (id, source, type, time, data) select gen_random_uuid(), 'meridian/test', 'test.event', now(), jsonb_build_object('padding', repeat('x', 400)) from generate_series(1, 1000)`.execute(database.root);
      await db.deleteFrom('outbox').execute();
    }
    const bloated = await outboxPages();
    expect(bloated).toBeGreaterThan(1_000_000);
    const result = await maintainEventTables({ database, schema, inboxRetentionDays: 7 });
    expect(result.vacuumed).toBe(kind === 'pglite');
    if (kind === 'pglite') expect(await outboxPages()).toBe(0);
  });
});
