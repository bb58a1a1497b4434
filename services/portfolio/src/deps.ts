import type { Logger, TokenVerifier } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { PortfolioDatabase } from './database.js';
import type { PortfolioEngine, UserView } from './engine.js';
import type { MarketCache } from './market.js';

/** What the portfolio features work with: built once per running instance. */
export interface PortfolioDeps {
  db: Kysely<PortfolioDatabase>;
  engine: PortfolioEngine;
  market: MarketCache;
  verifier: TokenVerifier;
  logger: Logger;
  readVersion(userId: string): Promise<number>;
  /** The user changed a setting: listeners hear of it. */
  notifySettings(view: UserView): void;
}
