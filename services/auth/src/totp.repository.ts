import type { Kysely } from 'kysely';
import type { AuthDatabase, TotpRow } from './database.js';

type Db = Kysely<AuthDatabase>;

export function findTotp(db: Db, userId: string): Promise<TotpRow | undefined> {
  return db.selectFrom('totp_credentials').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Stores a new unconfirmed secret, replacing an earlier unconfirmed one. */
export async function savePendingTotp(db: Db, userId: string, sealedSecret: string, now: Date): Promise<void> {
  await db
    .insertInto('totp_credentials')
    .values({ user_id: userId, secret: sealedSecret, created_at: now, confirmed_at: null, last_time_step: null })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({ secret: sealedSecret, created_at: now, confirmed_at: null, last_time_step: null }),
    )
    .execute();
}

export async function confirmTotp(db: Db, userId: string, timeStep: number, now: Date): Promise<number> {
  const r = await db
    .updateTable('totp_credentials')
    .set({ confirmed_at: now, last_time_step: timeStep })
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Records `timeStep` as used; 0 when it (or a later step) was used before. The condition
 * makes the check-and-set atomic, so two requests with one code cannot both pass.
 */
export async function advanceTimeStep(db: Db, userId: string, timeStep: number): Promise<number> {
  const r = await db
    .updateTable('totp_credentials')
    .set({ last_time_step: timeStep })
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .where((eb) => eb.or([eb('last_time_step', 'is', null), eb('last_time_step', '<', timeStep)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function deleteTotp(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('totp_credentials').where('user_id', '=', userId).execute();
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}

export async function replaceRecoveryCodes(
  db: Db,
  userId: string,
  codes: Array<{ id: string; hash: string }>,
  now: Date,
): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('recovery_codes')
    .values(codes.map((c) => ({ id: c.id, user_id: userId, code_hash: c.hash, created_at: now, used_at: null })))
    .execute();
}

/** Spends a recovery code; 0 when it is unknown or already spent. */
export async function useRecoveryCode(db: Db, userId: string, hash: string, now: Date): Promise<number> {
  const r = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
