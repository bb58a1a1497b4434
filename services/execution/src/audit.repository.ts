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
 * Appends entries to their accounts' chains in the caller's transaction, in three statements
 * however many accounts and entries. The chain heads are locked first (in account id order), so
 * concurrent appends to one account are serialised and never fork its chain.
 */
export async function appendAudit(trx: Db, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  const byAccount = new Map<string, AuditRecord[]>();
  for (const r of records) {
    const list = byAccount.get(r.accountId);
    if (list) list.push(r);
    else byAccount.set(r.accountId, [r]);
  }
  const ids = [...byAccount.keys()].sort();
  // Creates the heads on first use and locks them, in one statement.
  const heads = await trx
    .insertInto('audit_heads')
    .values(ids.map((id) => ({ account_id: id, seq: 0, hash: GENESIS_HASH })))
    .onConflict((oc) => oc.column('account_id').doUpdateSet((eb) => ({ account_id: eb.ref('excluded.account_id') })))
    .returningAll()
    .execute();
  const rows = [];
  const next = [];
  for (const head of heads) {
    const accountId = head.account_id;
    let seq = Number(head.seq);
    let prev = head.hash;
    for (const r of byAccount.get(accountId) ?? []) {
      seq++;
      const entry = { accountId, seq, userId: r.userId, orderId: r.orderId, kind: r.kind, payload: canonicalJson(r.payload), at: r.at.toISOString() };
      const hash = entryHash(prev, entry);
      rows.push({ account_id: accountId, seq, user_id: r.userId, order_id: r.orderId, kind: r.kind, payload: entry.payload, at: entry.at, prev_hash: prev, hash });
      prev = hash;
    }
    next.push({ account_id: accountId, seq, hash: prev });
  }
  await trx.insertInto('audit_log').values(rows).execute();
  await trx
    .insertInto('audit_heads')
    .values(next)
    .onConflict((oc) => oc.column('account_id').doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq'), hash: eb.ref('excluded.hash') })))
    .execute();
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
