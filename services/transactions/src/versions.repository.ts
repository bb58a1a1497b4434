import type { Kysely } from 'kysely';
import type { TransactionsDatabase } from './database.js';

type Db = Kysely<TransactionsDatabase>;

/**
 * Locks the user's version row for the rest of the transaction (creating it at 0) and returns
 * the current version. Every write of a user starts here, so a user's writes are serialised:
 * a validation always sees the writes committed before it.
 */
export async function lockUserVersion(db: Db, userId: string): Promise<number> {
  // Creates the row on first use and locks it, in one statement (the no-op update takes the lock).
  const row = await db
    .insertInto('user_versions')
    .values({ user_id: userId, version: 0 })
    .onConflict((oc) => oc.column('user_id').doUpdateSet((eb) => ({ user_id: eb.ref('excluded.user_id') })))
    .returning('version')
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

export async function saveUserVersion(db: Db, userId: string, version: number): Promise<void> {
  await db.updateTable('user_versions').set({ version }).where('user_id', '=', userId).execute();
}

export async function readUserVersion(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('user_versions').select('version').where('user_id', '=', userId).executeTakeFirst();
  return row ? Number(row.version) : 0;
}
