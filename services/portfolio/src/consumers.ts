import type { EventData } from '@meridian/contracts';
import type { EventHandlers } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { PortfolioDatabase } from './database.js';
import type { PortfolioDeps } from './deps.js';
import { eraseUser, markAccountDeleted, saveAccount, saveActivity, type AccountRow } from './readmodel.repository.js';

type AccountEvent = EventData<'transactions.account.created'>;

function accountRow(e: AccountEvent, archived: boolean): AccountRow {
  return {
    account_id: e.accountId,
    user_id: e.userId,
    name: e.name,
    type: e.type,
    currency: e.currency,
    institution: e.institution,
    track_cash: e.trackCash,
    cost_basis_method: e.costBasisMethod,
    archived,
    deleted: false,
    version: e.version,
  };
}

/**
 * The read model's feed. Each transactions event is stored in the consumer's transaction
 * (with its inbox row, so a redelivery changes nothing) and handed to the in-memory engine,
 * which applies it to a held portfolio at once (idempotently, by version). Prices update the
 * shared market cache; `auth.user.deleted` erases the user.
 */
export function portfolioConsumers(deps: PortfolioDeps): EventHandlers {
  const db = (trx: unknown) => trx as Kysely<PortfolioDatabase>;
  const { engine } = deps;
  const activity = (deleted: boolean) => async (event: { data: EventData<'transactions.activity.recorded'> }, trx: unknown) => {
    await saveActivity(db(trx), event.data, deleted);
    engine.apply(event.data.userId, { kind: 'activity', version: event.data.version, activity: event.data, deleted });
    deps.peers.changed(event.data.userId, event.data.version);
  };
  const account = (archived?: boolean) => async (event: { data: AccountEvent }, trx: unknown) => {
    const row = accountRow(event.data, archived ?? event.data.archived);
    await saveAccount(db(trx), event.data, { archived: row.archived });
    engine.apply(event.data.userId, { kind: 'account', version: event.data.version, account: row, accountId: row.account_id });
    deps.peers.changed(event.data.userId, event.data.version);
  };
  return {
    'transactions.activity.recorded': activity(false),
    'transactions.activity.updated': activity(false),
    'transactions.activity.deleted': activity(true),
    'transactions.account.created': account(),
    'transactions.account.updated': account(),
    'transactions.account.archived': account(true),
    'transactions.account.deleted': async (event, trx) => {
      await markAccountDeleted(db(trx), event.data.userId, event.data.accountId, event.data.version);
      engine.apply(event.data.userId, { kind: 'account', version: event.data.version, account: null, accountId: event.data.accountId });
      deps.peers.changed(event.data.userId, event.data.version);
    },
    'valuation.prices.updated': async (event) => {
      engine.pricesChanged(deps.market.applyPrices(event.data.prices, event.data.ownerId));
      deps.peers.prices(event.data.prices, event.data.ownerId);
    },
    'valuation.fx.updated': async (event) => {
      const { base, quote, rates } = event.data;
      if (deps.market.applyFx(base, quote, rates)) engine.fxChanged(base, quote);
      deps.peers.fx(base, quote, rates);
    },
    'auth.user.deleted': async (event, trx) => {
      const rows = await eraseUser(db(trx), event.data.userId);
      engine.forget(event.data.userId);
      deps.logger.info({ userId: event.data.userId, rows }, 'erased a deleted user');
    },
  };
}
