import type { Kysely } from 'kysely';
import type { AuthDatabase, NewSession, SessionRow } from './database.js';

type Db = Kysely<AuthDatabase>;

export async function insertSession(db: Db, row: NewSession): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function insertRefreshToken(
  db: Db,
  row: { id: string; session_id: string; token_hash: string; created_at: Date },
): Promise<void> {
  await db.insertInto('refresh_tokens').values({ ...row, used_at: null }).execute();
}

/** A refresh token with its session and the session's user, locked for this transaction. */
export function findRefreshTokenForUpdate(db: Db, tokenHash: string) {
  return db
    .selectFrom('refresh_tokens as t')
    .innerJoin('sessions as s', 's.id', 't.session_id')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      't.id as token_id',
      't.used_at',
      's.id as session_id',
      's.user_id',
      's.expires_at',
      's.last_used_at',
      's.revoked_at',
      'u.email',
    ])
    .where('t.token_hash', '=', tokenHash)
    .forUpdate()
    .executeTakeFirst();
}

/** Marks a token rotated; 0 when it already was (a concurrent refresh won). */
export async function markRefreshTokenUsed(db: Db, tokenId: string, now: Date): Promise<number> {
  const r = await db
    .updateTable('refresh_tokens')
    .set({ used_at: now })
    .where('id', '=', tokenId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function touchSession(
  db: Db,
  sessionId: string,
  now: Date,
  meta: { userAgent: string | null; ip: string | null },
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_used_at: now, user_agent: meta.userAgent, ip: meta.ip })
    .where('id', '=', sessionId)
    .execute();
}

/** Revokes one session (the whole refresh-token family) if it is still live. */
export async function revokeSession(db: Db, sessionId: string, reason: string, now: Date): Promise<number> {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Revokes one of the user's sessions; 0 when it is not theirs or already revoked. */
export async function revokeUserSession(
  db: Db,
  userId: string,
  sessionId: string,
  reason: string,
  now: Date,
): Promise<number> {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Revokes every live session of a user except `keep`. */
export async function revokeOtherSessions(
  db: Db,
  userId: string,
  keep: string | undefined,
  reason: string,
  now: Date,
): Promise<number> {
  let q = db
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keep) q = q.where('id', '<>', keep);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function findUserSession(db: Db, userId: string, sessionId: string): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** The user's sessions that are neither revoked nor past their absolute or idle expiry. */
export function listLiveSessions(db: Db, userId: string, now: Date, idleCutoff: Date): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('last_used_at', '>', idleCutoff)
    .orderBy('last_used_at', 'desc')
    .execute();
}

/** Deletes sessions (and their tokens) that ended before `before`. */
export async function purgeEndedSessions(db: Db, before: Date, idleBefore: Date): Promise<number> {
  const r = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before), eb('last_used_at', '<', idleBefore)]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
