import type { Kysely } from 'kysely';
import type { TransactionsDatabase } from './database.js';

type Db = Kysely<TransactionsDatabase>;

export function findIdempotencyKey(db: Db, userId: string, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status', 'response'])
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
}

export async function insertIdempotencyKey(
  db: Db,
  row: { userId: string; key: string; requestHash: string; status: number; response: unknown; now: Date },
): Promise<void> {
  await db
    .insertInto('idempotency_keys')
    .values({
      user_id: row.userId,
      key: row.key,
      request_hash: row.requestHash,
      status: row.status,
      response: JSON.stringify(row.response ?? null),
      created_at: row.now,
    })
    .execute();
}

export async function deleteIdempotencyKeysBefore(db: Db, before: Date): Promise<number> {
  const r = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
