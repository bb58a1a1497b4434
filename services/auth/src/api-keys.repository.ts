import type { Kysely } from 'kysely';
import type { ApiKeyRow, AuthDatabase } from './database.js';

type Db = Kysely<AuthDatabase>;

export async function insertApiKey(db: Db, row: ApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

export async function countApiKeys(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function listApiKeys(db: Db, userId: string): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
}

/** Deletes one of the user's keys; 0 when it is not theirs. */
export async function deleteApiKey(db: Db, userId: string, id: string): Promise<number> {
  const r = await db.deleteFrom('api_keys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** A key by its public lookup id, with its owner's email. */
export function findApiKeyByLookup(db: Db, lookup: string) {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select(['k.id', 'k.user_id', 'k.secret_hash', 'k.scopes', 'k.expires_at', 'k.last_used_at', 'u.email'])
    .where('k.lookup', '=', lookup)
    .executeTakeFirst();
}

export async function touchApiKey(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
}
