import type { Kysely } from 'kysely';
import type { AuthDatabase, UserRow } from './database.js';

type Db = Kysely<AuthDatabase>;

export async function insertUser(
  db: Db,
  row: { id: string; email: string; password_hash: string | null; now: Date },
): Promise<void> {
  await db
    .insertInto('users')
    .values({ id: row.id, email: row.email, password_hash: row.password_hash, created_at: row.now, updated_at: row.now })
    .execute();
}

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Db, userId: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

/** The account as `/me` shows it, in one round trip: the user and whether two-factor is on. */
export function findAccountSummary(
  db: Db,
  userId: string,
): Promise<{ id: string; email: string; created_at: Date; password_hash: string | null; totp_confirmed_at: Date | null } | undefined> {
  return db
    .selectFrom('users')
    .leftJoin('totp_credentials', 'totp_credentials.user_id', 'users.id')
    .select([
      'users.id',
      'users.email',
      'users.created_at',
      'users.password_hash',
      'totp_credentials.confirmed_at as totp_confirmed_at',
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst();
}

export async function updatePasswordHash(db: Db, userId: string, hash: string, now: Date): Promise<void> {
  await db.updateTable('users').set({ password_hash: hash, updated_at: now }).where('id', '=', userId).execute();
}

/** Deletes the user; sessions, tokens, TOTP, API keys and identities go with it (ON DELETE CASCADE). */
export async function deleteUser(db: Db, userId: string): Promise<number> {
  const r = await db.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}
