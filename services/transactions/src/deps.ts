import type { Logger, Outbox, TokenVerifier } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import type { TransactionsDatabase } from './database.js';

/** What the transactions features work with: built once per running instance. */
export interface TransactionsDeps {
  db: Kysely<TransactionsDatabase>;
  clock: Clock;
  logger: Logger;
  outbox: Outbox;
  verifier: TokenVerifier;
}
