import type { Kysely } from 'kysely';
import type { AuthDatabase, IdentityRow } from './database.js';

type Db = Kysely<AuthDatabase>;

export async function insertFlow(
  db: Db,
  row: { state_hash: string; binding_hash: string; code_verifier: string; nonce: string; created_at: Date; expires_at: Date },
): Promise<void> {
  await db.insertInto('oidc_flows').values(row).execute();
}

/** Removes and returns a flow by its state: each state is good for exactly one callback. */
export function takeFlow(db: Db, stateHash: string) {
  return db.deleteFrom('oidc_flows').where('state_hash', '=', stateHash).returningAll().executeTakeFirst();
}

export async function insertLoginCode(
  db: Db,
  row: { code_hash: string; user_id: string; binding_hash: string; created_at: Date; expires_at: Date },
): Promise<void> {
  await db.insertInto('oidc_login_codes').values(row).execute();
}

export function findLoginCode(db: Db, codeHash: string, now: Date) {
  return db
    .selectFrom('oidc_login_codes as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.code_hash', 'c.user_id', 'c.binding_hash', 'u.email'])
    .where('c.code_hash', '=', codeHash)
    .where('c.expires_at', '>', now)
    .executeTakeFirst();
}

/** Spends a login code; 0 when another request spent it first. */
export async function consumeLoginCode(db: Db, codeHash: string, now: Date): Promise<number> {
  const r = await db
    .deleteFrom('oidc_login_codes')
    .where('code_hash', '=', codeHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function findIdentity(db: Db, issuer: string, subject: string): Promise<IdentityRow | undefined> {
  return db
    .selectFrom('identities')
    .selectAll()
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .executeTakeFirst();
}

export async function insertIdentity(db: Db, row: IdentityRow): Promise<void> {
  await db.insertInto('identities').values(row).execute();
}

export async function touchIdentity(db: Db, id: string, email: string | null, now: Date): Promise<void> {
  await db.updateTable('identities').set({ last_login_at: now, email }).where('id', '=', id).execute();
}

/** Deletes abandoned flows and unclaimed codes. */
export async function purgeExpiredOidc(db: Db, now: Date): Promise<number> {
  const a = await db.deleteFrom('oidc_flows').where('expires_at', '<', now).executeTakeFirst();
  const b = await db.deleteFrom('oidc_login_codes').where('expires_at', '<', now).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(b.numDeletedRows);
}
