import type { Kysely } from 'kysely';
import type { AuthDatabase, SigningKeyRow } from './database.js';

type Db = Kysely<AuthDatabase>;

/** Keys whose public half still belongs in the JWKS at `now`. */
export function listVerifiableKeys(db: Db, now: Date): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('verify_until', 'is', null), eb('verify_until', '>', now)]))
    .orderBy('activates_at', 'desc')
    .execute();
}

/** The newest key of an algorithm, the one no later key has superseded. */
export function findCurrentKey(db: Db, alg: string): Promise<SigningKeyRow | undefined> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where('alg', '=', alg)
    .where('retires_at', 'is', null)
    .executeTakeFirst();
}

export async function insertKey(db: Db, row: SigningKeyRow): Promise<void> {
  await db.insertInto('signing_keys').values(row).execute();
}

/** Marks the current key as superseded at `retiresAt`; returns how many rows changed. */
export async function retireCurrentKey(
  db: Db,
  alg: string,
  retiresAt: Date,
  verifyUntil: Date,
): Promise<number> {
  const result = await db
    .updateTable('signing_keys')
    .set({ retires_at: retiresAt, verify_until: verifyUntil })
    .where('alg', '=', alg)
    .where('retires_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Deletes keys that verify nothing any more. */
export async function deleteExpiredKeys(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('signing_keys').where('verify_until', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
