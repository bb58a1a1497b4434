import type { KeyValueStore, Logger, Outbox, TokenVerifier } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import type { ValuationSettings } from './config.js';
import type { ValuationDatabase } from './database.js';
import type { ProviderChain } from './providers/chain.js';

/** What the valuation service's feature code works with: built once per running instance. */
export interface ValuationDeps {
  db: Kysely<ValuationDatabase>;
  settings: ValuationSettings;
  clock: Clock;
  logger: Logger;
  outbox: Outbox;
  cache: KeyValueStore;
  chain: ProviderChain;
  verifier: TokenVerifier;
}
