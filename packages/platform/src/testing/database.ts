import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../db/database.js';

export type TestDatabaseKind = 'pglite' | 'postgres';

/** A test database; `url` is set for PostgreSQL, so a child process can open it too. */
export type TestDatabase = Database & { readonly url: string | undefined };

/**
 * The database kinds every integration test runs on, for `describe.each(testDatabases())`:
 * PGlite (embedded mode) and PostgreSQL (distributed mode).
 */
export function testDatabases(): TestDatabaseKind[] {
  return ['pglite', 'postgres'];
}

/**
 * A fresh, isolated database: PGlite in memory, or a new database with a random name on
 * TEST_DATABASE_URL's server, dropped on `close()`. Without TEST_DATABASE_URL the postgres
 * kind fails: a skipped PostgreSQL test would hide exactly the bugs it is there for.
 */
export async function createTestDatabase(kind: TestDatabaseKind, options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') return { ...(await openDatabase({ dataDir: 'memory://' })), url: undefined };
  const serverUrl = requireEnv('TEST_DATABASE_URL');
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: options.poolSize ?? 10 });
  let closed = false;
  return {
    ...database,
    url: url.toString(),
    async close() {
      if (closed) return;
      closed = true;
      await database.close();
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** The URL of a test service the harness started; throws (never skips) when it is absent. */
export function requireEnv(name: 'TEST_DATABASE_URL' | 'TEST_REDIS_URL' | 'TEST_AMQP_URL'): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the tests with \`npm test\` (or \`npx vitest run\`, whose global setup starts PostgreSQL, Redis and RabbitMQ)`,
    );
  }
  return value;
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
