import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { AppError } from '../errors.js';
import type { Database } from './database.js';

export type { Migration } from 'kysely';

/** A service's migrations, in order of their names ('0001_users', '0002_sessions', …). */
export type Migrations = Record<string, Migration>;

/**
 * Creates the service's schema and applies its pending migrations inside it. Each migration
 * receives a Kysely already scoped to the schema, so it writes `createTable('users')`.
 * Safe to run from several instances at once: Kysely's migration lock serialises them.
 */
export async function migrateSchema(
  database: Database,
  schema: string,
  migrations: Migrations,
  options: { tableName?: string } = {},
): Promise<MigrationResultSet> {
  if (!/^[a-z][a-z0-9_]*$/.test(schema)) throw new AppError('internal', `bad schema name ${schema}`);
  await createSchema(database, schema);
  const scoped: Migrations = {};
  for (const [name, m] of Object.entries(migrations)) {
    scoped[name] = {
      up: (db: Kysely<unknown>) => m.up(db.withSchema(schema)),
      ...(m.down ? { down: (db: Kysely<unknown>) => m.down!(db.withSchema(schema)) } : {}),
    };
  }
  const migrator = new Migrator({
    db: database.root,
    provider: { getMigrations: async () => scoped },
    migrationTableSchema: schema,
    ...(options.tableName ? { migrationTableName: options.tableName, migrationLockTableName: `${options.tableName}_lock` } : {}),
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(
      `migration ${failed?.migrationName ?? '?'} of schema ${schema} failed: ${result.error instanceof Error ? result.error.message : JSON.stringify(result.error)}`,
      { cause: result.error },
    );
  }
  return result;
}

/**
 * `create schema if not exists` is not atomic in PostgreSQL: two instances starting together
 * can both see the schema missing, and the loser fails on pg_namespace's unique index. That
 * loser has what it wanted, so the race is absorbed here and the schema's existence checked.
 */
async function createSchema(database: Database, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(database.root);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== '23505' && code !== '42P06') throw error;
    const found = await sql<{ n: number }>`select count(*)::int as n from information_schema.schemata where schema_name = ${schema}`.execute(database.root);
    if (found.rows[0]?.n !== 1) throw error;
  }
}
