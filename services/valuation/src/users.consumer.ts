import type { EventHandlers } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { ValuationDatabase } from './database.js';
import type { ValuationDeps } from './deps.js';
import { deleteOwnedInstruments } from './instruments.repository.js';

/**
 * `auth.user.deleted`: erases the user's manual instruments and their prices, in the
 * consumer's transaction (with its inbox row, so a redelivery changes nothing). Market
 * instruments belong to nobody and stay.
 */
export function userConsumers(deps: ValuationDeps): EventHandlers {
  return {
    'auth.user.deleted': async (event, trx) => {
      const instruments = await deleteOwnedInstruments(trx as unknown as Kysely<ValuationDatabase>, event.data.userId);
      deps.logger.info({ userId: event.data.userId, instruments }, 'erased a deleted user’s manual instruments');
    },
  };
}
