import type { Kysely } from 'kysely';
import { canonicalJson, entryHash, GENESIS_HASH, verifyChain, type ChainCheck } from './audit.js';
import type { AuditRow, ExecutionDatabase } from './database.js';

type Db = Kysely<ExecutionDatabase>;

export interface AuditRecord {
  accountId: string;
  userId: string;
  orderId: string | null;
  kind: 'order_intent' | 'risk_decision' | 'order_sent' | 'broker_update' | 'broker_error' | 'cancel_requested' | 'replace_requested' | 'transfer';
  payload: unknown;
  at: Date;
}

/**
 * Appends entries to an account's chain in the caller's transaction. The chain head row is
 * locked first, so concurrent appends to one account are serialised and never fork the chain.
 */
export async function appendAudit(trx: Db, records: readonly AuditRecord[]): Promise<void> {
  const byAccount = new Map<string, AuditRecord[]>();
  for (const r of records) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
  for (const [accountId, list] of byAccount) {
    // Creates the head on first use and locks it, in one statement.
    const head = await trx
      .insertInto('audit_heads')
      .values({ account_id: accountId, seq: 0, hash: GENESIS_HASH })
      .onConflict((oc) => oc.column('account_id').doUpdateSet((eb) => ({ account_id: eb.ref('excluded.account_id') })))
      .returningAll()
      .executeTakeFirstOrThrow();
    let seq = Number(head.seq);
    let prev = head.hash;
    const rows = list.map((r) => {
      seq++;
      const entry = { accountId, seq, userId: r.userId, orderId: r.orderId, kind: r.kind, payload: canonicalJson(r.payload), at: r.at.toISOString() };
      const hash = entryHash(prev, entry);
      const row = { account_id: accountId, seq, user_id: r.userId, order_id: r.orderId, kind: r.kind, payload: entry.payload, at: entry.at, prev_hash: prev, hash };
      prev = hash;
      return row;
    });
    await trx.insertInto('audit_log').values(rows).execute();
    await trx.updateTable('audit_heads').set({ seq, hash: prev }).where('account_id', '=', accountId).execute();
  }
}

export function auditEntries(db: Db, userId: string, accountId: string): Promise<AuditRow[]> {
  return db.selectFrom('audit_log').selectAll().where('account_id', '=', accountId).where('user_id', '=', userId).orderBy('seq').execute();
}

/** Verifies the whole chain of an account (every row of the account, whoever's, so nothing can hide). */
export async function verifyAccountChain(db: Db, accountId: string): Promise<ChainCheck> {
  const rows = await db.selectFrom('audit_log').selectAll().where('account_id', '=', accountId).orderBy('seq').execute();
  const head = await db.selectFrom('audit_heads').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return verifyChain(
    rows.map((r) => ({ accountId: r.account_id, seq: Number(r.seq), userId: r.user_id, orderId: r.order_id, kind: r.kind, payload: r.payload, at: r.at, prevHash: r.prev_hash, hash: r.hash })),
    head ? { seq: Number(head.seq), hash: head.hash } : undefined,
  );
}
