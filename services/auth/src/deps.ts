import type { EnvelopeCipher, KeyValueStore, Logger, Outbox, TokenVerifier } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { AccessTokenIssuer } from './access-tokens.js';
import type { Clock } from './clock.js';
import type { AuthSettings } from './config.js';
import type { AuthDatabase } from './database.js';
import type { OidcClient } from './oidc.client.js';
import type { PasswordHasher } from './passwords.js';
import type { SigningKeyStore } from './signing-keys.service.js';
import type { Limiter } from './throttle.js';

/** What the auth service's feature code works with: built once per running instance. */
export interface AuthDeps {
  db: Kysely<AuthDatabase>;
  settings: AuthSettings;
  clock: Clock;
  logger: Logger;
  outbox: Outbox;
  cache: KeyValueStore;
  cipher: EnvelopeCipher;
  passwords: PasswordHasher;
  keys: SigningKeyStore;
  tokens: AccessTokenIssuer;
  verifier: TokenVerifier;
  limits: {
    /** Failed sign-ins (and failed password confirmations) per account. */
    account: Limiter;
    /** Failed sign-ins per client address. */
    ip: Limiter;
    /** Registrations per client address. */
    register: Limiter;
    /** Failed API-key and OIDC-code exchanges per client address. */
    exchange: Limiter;
  };
  oidc: OidcClient | undefined;
}

/** Where a request came from, recorded on sessions. */
export interface ClientMeta {
  ip: string;
  userAgent: string | null;
}
