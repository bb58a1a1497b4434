import { createHash } from 'node:crypto';
import { AppError } from '@meridian/platform';
import type { Transaction } from 'kysely';
import type { TransactionsDatabase } from './database.js';
import type { TransactionsDeps } from './deps.js';
import { findIdempotencyKey, insertIdempotencyKey } from './idempotency.repository.js';
import { lockUserVersion, saveUserVersion } from './versions.repository.js';

export type Trx = Transaction<TransactionsDatabase>;

/** One write of one user: its clock reading and the versions its events take. */
export interface UserWrite {
  readonly userId: string;
  readonly now: Date;
  /** The user's version when the write began (with the user's lock taken). */
  readonly start: number;
  /** The next version, one per event published. */
  nextVersion(): number;
  /** The last version handed out (the user's version once the write commits). */
  readonly version: number;
  /**
   * Runs `fn` in the write's transaction when its work is done, with the version it commits
   * at; a later call with the same key replaces the earlier one.
   */
  atEnd(key: string, fn: (version: number) => Promise<void>): void;
}

/** A write's `UserWrite`, and `finish` to run at its end: the deferred work, then the version saved. */
function beginWrite(deps: TransactionsDeps, trx: Trx, userId: string, start: number): { w: UserWrite; finish: () => Promise<number> } {
  let version = start;
  const deferred = new Map<string, (version: number) => Promise<void>>();
  const w: UserWrite = {
    userId,
    now: deps.clock(),
    start,
    nextVersion: () => ++version,
    get version() {
      return version;
    },
    atEnd: (key, fn) => {
      deferred.set(key, fn);
    },
  };
  return {
    w,
    finish: async () => {
      for (const fn of deferred.values()) await fn(version);
      if (version !== start) await saveUserVersion(trx, userId, version);
      return version;
    },
  };
}

export interface WriteResult {
  status: number;
  body: unknown;
}

/**
 * Runs a user's write inside a transaction the caller opened (an event handler's, with its inbox
 * row): locks the user's version row, runs `fn`, saves the version its events took.
 */
export async function runWriteIn(
  deps: TransactionsDeps,
  trx: Trx,
  userId: string,
  fn: (w: UserWrite) => Promise<void>,
): Promise<number> {
  const { w, finish } = beginWrite(deps, trx, userId, await lockUserVersion(trx, userId));
  await fn(w);
  return finish();
}

/** A retry key and what it was sent with (see {@link idempotencyOf}). */
export interface Idempotency {
  key: string;
  requestHash: string;
}

/**
 * Runs a user's write in one transaction: locks the user's version row (serialising the
 * user's writes, so validation sees every committed change), replays the stored response of a
 * repeated `Idempotency-Key`, runs `fn`, stores its response under the key and saves the
 * version. A failure rolls everything back, the key included: a retry runs again.
 */
export async function runWrite(
  deps: TransactionsDeps,
  userId: string,
  idempotency: Idempotency | undefined,
  fn: (trx: Trx, w: UserWrite) => Promise<WriteResult>,
): Promise<WriteResult & { replayed: boolean; version: number }> {
  return deps.db.transaction().execute(async (trx) => {
    const start = await lockUserVersion(trx, userId);
    if (idempotency) {
      const stored = await findIdempotencyKey(trx, userId, idempotency.key);
      if (stored) {
        if (stored.request_hash !== idempotency.requestHash) {
          throw new AppError('unprocessable', 'this Idempotency-Key was already used with a different request', {
            details: { reason: 'idempotency_key_reused' },
          });
        }
        // The version now is at least the one the stored write reached: waiting for it is safe.
        return { status: stored.status, body: stored.response, replayed: true, version: start };
      }
    }
    const { w, finish } = beginWrite(deps, trx, userId, start);
    const result = await fn(trx, w);
    const version = await finish();
    if (idempotency) {
      await insertIdempotencyKey(trx, {
        userId,
        key: idempotency.key,
        requestHash: idempotency.requestHash,
        status: result.status,
        response: result.body,
        now: w.now,
      });
    }
    return { ...result, replayed: false, version };
  });
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's `Idempotency-Key` and a hash of what it asks, or undefined without the header. */
export function idempotencyOf(request: {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  url: string;
  body?: unknown;
}): Idempotency | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || !KEY.test(key.replace(/^"|"$/g, ''))) {
    throw new AppError('validation_failed', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
  }
  const requestHash = createHash('sha256')
    .update(JSON.stringify([request.method, request.url, canonicalJson(request.body ?? null)]))
    .digest('hex');
  return { key: key.replace(/^"|"$/g, ''), requestHash };
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
function canonicalJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonicalJson((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
