import type { Kysely } from 'kysely';
import type { TransactionsDatabase } from './database.js';

type Db = Kysely<TransactionsDatabase>;

/** Erases everything the service holds about a user; returns how many rows went. */
export async function eraseUser(db: Db, userId: string): Promise<number> {
  let n = 0;
  // Activities first: they reference accounts and imports.
  for (const table of ['ledger_snapshots', 'activities', 'accounts', 'imports', 'idempotency_keys', 'user_versions'] as const) {
    const r = await db.deleteFrom(table).where('user_id', '=', userId).executeTakeFirst();
    n += Number(r.numDeletedRows);
  }
  return n;
}
