import { writeTogether, type Write } from '@meridian/platform';
import type { Insertable, Kysely } from 'kysely';
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

export type AuditHeads = Map<string, { seq: number; hash: string }>;

/**
 * Locks the chain heads of these accounts for the rest of the transaction (created on first
 * use, in account id order), in one statement. Concurrent appends to one account are thereby
 * serialised and never fork its chain.
 */
export async function lockAuditHeads(trx: Db, accountIds: Iterable<string>): Promise<AuditHeads> {
  const ids = [...new Set(accountIds)].sort();
  if (ids.length === 0) return new Map();
  const rows = await trx
    .insertInto('audit_heads')
    .values(ids.map((id) => ({ account_id: id, seq: 0, hash: GENESIS_HASH })))
    .onConflict((oc) => oc.column('account_id').doUpdateSet((eb) => ({ account_id: eb.ref('excluded.account_id') })))
    .returningAll()
    .execute();
  return new Map(rows.map((r) => [r.account_id, { seq: Number(r.seq), hash: r.hash }]));
}

/**
 * Extends the locked chains with these entries, in order: the writes that store them (the
 * entries, and the new heads), for the caller to run with its others (`writeTogether`).
 */
export function chainAudit(heads: AuditHeads, records: readonly AuditRecord[]): Array<Write<ExecutionDatabase>> {
  if (records.length === 0) return [];
  const rows: Array<Insertable<ExecutionDatabase['audit_log']>> = [];
  const next = new Map<string, { seq: number; hash: string }>();
  for (const r of records) {
    const head = next.get(r.accountId) ?? heads.get(r.accountId);
    if (!head) throw new Error(`the audit head of account ${r.accountId} is not locked`);
    const seq = head.seq + 1;
    const entry = { accountId: r.accountId, seq, userId: r.userId, orderId: r.orderId, kind: r.kind, payload: canonicalJson(r.payload), at: r.at.toISOString() };
    const hash = entryHash(head.hash, entry);
    rows.push({ account_id: r.accountId, seq, user_id: r.userId, order_id: r.orderId, kind: r.kind, payload: entry.payload, at: entry.at, prev_hash: head.hash, hash });
    next.set(r.accountId, { seq, hash });
  }
  const updated = [...next].map(([account_id, h]) => ({ account_id, seq: h.seq, hash: h.hash }));
  return [
    (qc) => qc.insertInto('audit_log').values(rows),
    (qc) => qc.insertInto('audit_heads').values(updated).onConflict((oc) => oc.column('account_id').doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq'), hash: eb.ref('excluded.hash') }))),
  ];
}

/** Appends entries to their accounts' chains in the caller's transaction, in two statements however many. */
export async function appendAudit(trx: Db, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await writeTogether(trx, chainAudit(await lockAuditHeads(trx, records.map((r) => r.accountId)), records));
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
