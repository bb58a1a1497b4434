import type { EnvelopeCipher, Logger } from '@meridian/platform';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import { addSeconds, type Clock } from './clock.js';
import type { AuthDatabase, SigningKeyRow } from './database.js';
import { isUniqueViolation } from './db-errors.js';
import {
  deleteExpiredKeys,
  findCurrentKey,
  insertKey,
  listVerifiableKeys,
  retireCurrentKey,
} from './signing-keys.repository.js';

export const SIGNING_ALG = 'EdDSA';
/** Margin past a token's `exp` during which its key stays published (clock skew, caches). */
const VERIFY_MARGIN_SECONDS = 60;
const CACHE_TTL_MS = 30_000;
/** An unknown `kid` reloads the keys at most this often, so random kids cannot hammer the DB. */
const UNKNOWN_KID_RELOAD_MS = 2_000;

export interface PublicJwk extends JWK {
  kty: string;
  kid: string;
  alg: string;
  use: 'sig';
}

export interface SigningKeyStore {
  /** Creates the first key, or rotates the current one when it is older than the maximum age. */
  ensureCurrent(): Promise<void>;
  /**
   * Creates a new key that takes over signing after the activation delay (immediately with
   * `immediate`); the superseded key stays published until every token it signed expired.
   */
  rotate(options?: { immediate?: boolean }): Promise<string>;
  /** The key to sign with now. */
  signingKey(): Promise<{ kid: string; key: CryptoKey }>;
  /** The public key for a `kid`, if it may still verify tokens. */
  publicKey(kid: string): Promise<CryptoKey | undefined>;
  jwks(): Promise<{ keys: PublicJwk[] }>;
  /** Deletes keys past their verification window. */
  purge(): Promise<number>;
}

interface LoadedKey {
  row: SigningKeyRow;
  jwk: PublicJwk;
  publicKey: CryptoKey;
}

export interface SigningKeyStoreOptions {
  db: Kysely<AuthDatabase>;
  cipher: EnvelopeCipher;
  clock: Clock;
  logger: Logger;
  accessTokenTtl: number;
  maxAgeDays: number;
  activationDelay: number;
}

const privateContext = (kid: string) => `auth:signing-key:${kid}`;

/**
 * Signing keys live in the auth schema (private halves sealed with the envelope cipher), so
 * every auth instance signs with the same key and a restart keeps issued tokens valid.
 * Each instance caches them briefly and reloads on an unknown `kid`.
 */
export function createSigningKeyStore(options: SigningKeyStoreOptions): SigningKeyStore {
  const { db, cipher, clock, logger } = options;
  let cache: { keys: LoadedKey[]; loadedAt: number } | undefined;
  let lastUnknownReload = 0;
  const privateKeys = new Map<string, CryptoKey>();

  async function load(): Promise<LoadedKey[]> {
    const rows = await listVerifiableKeys(db, clock());
    const keys = await Promise.all(
      rows.map(async (row) => {
        const parsed = JSON.parse(row.public_jwk) as JWK;
        const jwk: PublicJwk = { ...parsed, kty: parsed.kty ?? 'OKP', kid: row.kid, alg: row.alg, use: 'sig' };
        return { row, jwk, publicKey: (await importJWK(jwk, row.alg)) as CryptoKey };
      }),
    );
    cache = { keys, loadedAt: Date.now() };
    return keys;
  }

  async function keys(): Promise<LoadedKey[]> {
    if (cache && Date.now() - cache.loadedAt < CACHE_TTL_MS) return cache.keys;
    return load();
  }

  function stillVerifies(key: LoadedKey, now: Date): boolean {
    return key.row.verify_until === null || key.row.verify_until > now;
  }

  async function createKey(activatesAt: Date): Promise<SigningKeyRow> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const sealed = await cipher.encrypt(JSON.stringify(await exportJWK(privateKey)), privateContext(kid));
    return {
      kid,
      alg: SIGNING_ALG,
      public_jwk: JSON.stringify(publicJwk),
      private_jwk: sealed,
      created_at: clock(),
      activates_at: activatesAt,
      retires_at: null,
      verify_until: null,
    };
  }

  async function rotate(opts: { immediate?: boolean } = {}): Promise<string> {
    const now = clock();
    const activatesAt = addSeconds(now, opts.immediate ? 0 : options.activationDelay);
    const row = await createKey(activatesAt);
    try {
      await db.transaction().execute(async (trx) => {
        await retireCurrentKey(
          trx,
          SIGNING_ALG,
          activatesAt,
          addSeconds(activatesAt, options.accessTokenTtl + VERIFY_MARGIN_SECONDS),
        );
        await insertKey(trx, row);
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Another instance rotated at the same moment; its key is as good as ours.
      logger.info('signing key rotated concurrently by another instance');
      await load();
      const current = await findCurrentKey(db, SIGNING_ALG);
      return current?.kid ?? row.kid;
    }
    logger.info({ kid: row.kid, activatesAt }, 'signing key rotated');
    await load();
    return row.kid;
  }

  return {
    async ensureCurrent() {
      const current = await findCurrentKey(db, SIGNING_ALG);
      if (!current) {
        // No token exists yet, so the first key can sign at once.
        const row = await createKey(clock());
        try {
          await insertKey(db, row);
          logger.info({ kid: row.kid }, 'created the first signing key');
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
        }
        await load();
        return;
      }
      const maxAgeMs = options.maxAgeDays * 86_400_000;
      if (maxAgeMs > 0 && clock().getTime() - current.created_at.getTime() >= maxAgeMs) {
        await rotate();
      }
    },
    rotate,
    async signingKey() {
      const now = clock();
      const pick = (list: LoadedKey[]) =>
        list
          .filter((k) => k.row.activates_at <= now && (k.row.retires_at === null || k.row.retires_at > now))
          .sort((a, b) => b.row.activates_at.getTime() - a.row.activates_at.getTime())[0];
      let chosen = pick(await keys());
      // A cached list can lag a rotation by another instance, or a delayed key just activated.
      if (!chosen || (chosen.row.retires_at !== null && chosen.row.retires_at <= addSeconds(now, 1))) {
        chosen = pick(await load());
      }
      if (!chosen) throw new Error('no active signing key (ensureCurrent was not run)');
      let key = privateKeys.get(chosen.row.kid);
      if (!key) {
        const jwk = JSON.parse(await cipher.decryptString(chosen.row.private_jwk, privateContext(chosen.row.kid))) as JWK;
        key = (await importJWK(jwk, chosen.row.alg)) as CryptoKey;
        privateKeys.set(chosen.row.kid, key);
      }
      return { kid: chosen.row.kid, key };
    },
    async publicKey(kid) {
      const now = clock();
      let found = (await keys()).find((k) => k.row.kid === kid);
      if (!found && Date.now() - lastUnknownReload > UNKNOWN_KID_RELOAD_MS) {
        lastUnknownReload = Date.now();
        found = (await load()).find((k) => k.row.kid === kid);
      }
      return found && stillVerifies(found, now) ? found.publicKey : undefined;
    },
    async jwks() {
      const now = clock();
      return { keys: (await keys()).filter((k) => stillVerifies(k, now)).map((k) => k.jwk) };
    },
    async purge() {
      const removed = await deleteExpiredKeys(db, clock());
      if (removed > 0) {
        const live = new Set((await load()).map((k) => k.row.kid));
        for (const kid of [...privateKeys.keys()]) if (!live.has(kid)) privateKeys.delete(kid);
      }
      return removed;
    },
  };
}
