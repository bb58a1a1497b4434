import type { Logger, TokenVerifier } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { ComputationDatabase } from './database.js';
import type { ComputationPool } from './pool.js';

export interface ComputationDeps {
  db: Kysely<ComputationDatabase>;
  pool: ComputationPool;
  logger: Logger;
  verifier: TokenVerifier;
  /** Unfinished jobs not renewed for this long are failed as interrupted. */
  leaseMs: number;
  /** Queued or running jobs one user may have at once. */
  maxActiveJobsPerUser: number;
}
