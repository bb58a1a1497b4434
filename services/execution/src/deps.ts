import type { EnvelopeCipher, GroupCommit, Logger, Outbox, ServiceClients, TokenVerifier } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { ExecutionSettings } from './config.js';
import type { ExecutionDatabase } from './database.js';
import type { MarketData } from './market.js';
import type { Placement, PlacementResult } from './placement.js';

export type Clock = () => Date;

/** What the execution features work with: built once per running instance. */
export interface ExecutionDeps {
  db: Kysely<ExecutionDatabase>;
  clock: Clock;
  logger: Logger;
  outbox: Outbox;
  verifier: TokenVerifier;
  clients: ServiceClients;
  cipher: EnvelopeCipher;
  settings: ExecutionSettings;
  market: MarketData;
  /** Records placed orders, many per transaction (group commit). */
  placement: GroupCommit<Placement, PlacementResult>;
  /** Called when an account is linked to a remote broker (starts its update stream). */
  onLinked?: (accountId: string) => void;
}
