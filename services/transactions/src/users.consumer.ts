import type { EventHandlers } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { TransactionsDatabase } from './database.js';
import type { TransactionsDeps } from './deps.js';
import { eraseUser } from './users.repository.js';

/**
 * `auth.user.deleted`: erases the user's accounts, activities, imports, idempotency keys and
 * version counter, in the consumer's transaction (with the inbox row: a redelivery is a no-op).
 * No events follow: every service erases on the same event.
 */
export function userConsumers(deps: TransactionsDeps): EventHandlers {
  return {
    'auth.user.deleted': async (event, trx) => {
      const rows = await eraseUser(trx as unknown as Kysely<TransactionsDatabase>, event.data.userId);
      deps.logger.info({ userId: event.data.userId, rows }, 'erased a deleted user');
    },
  };
}
