import { createHash } from 'node:crypto';

/** The hash every chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  accountId: string;
  seq: number;
  userId: string;
  orderId: string | null;
  kind: string;
  /** Canonical JSON of what happened. */
  payload: string;
  at: string;
}

/** JSON with object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .filter((k) => obj[k] !== undefined)
        .map((k) => [k, sortKeys(obj[k])]),
    );
  }
  return value;
}

/** SHA-256 over the previous hash and every field of the entry. */
export function entryHash(prevHash: string, e: AuditEntry): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson([e.accountId, e.seq, e.userId, e.orderId, e.kind, e.payload, e.at]))
    .digest('hex');
}

export interface ChainCheck {
  valid: boolean;
  entries: number;
  brokenAt: number | null;
}

/**
 * Walks a chain in sequence order: each entry must follow the previous one without a gap,
 * name its hash, and hash to what it says. The head (last hash) must match the stored head, so
 * dropping the newest entries is detected too.
 */
export function verifyChain(entries: ReadonlyArray<AuditEntry & { prevHash: string; hash: string }>, head: { seq: number; hash: string } | undefined): ChainCheck {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of entries) {
    if (e.seq !== expectedSeq || e.prevHash !== prev || entryHash(prev, e) !== e.hash) {
      return { valid: false, entries: entries.length, brokenAt: e.seq };
    }
    prev = e.hash;
    expectedSeq++;
  }
  const last = entries.length;
  if ((head?.seq ?? 0) !== last || (head ? head.hash : GENESIS_HASH) !== prev) {
    return { valid: false, entries: last, brokenAt: last + 1 };
  }
  return { valid: true, entries: last, brokenAt: null };
}
