import type { EventData } from '@meridian/contracts';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AccountsTable, ActivitiesTable, PortfolioDatabase } from './database.js';

type Db = Kysely<PortfolioDatabase>;
type ActivityEvent = EventData<'transactions.activity.recorded'>;
type AccountEvent = EventData<'transactions.account.created'>;

export type AccountRow = Selectable<AccountsTable>;
export type ActivityRow = Selectable<ActivitiesTable>;

/** Raises the user's applied version (never lowers it: events may arrive out of order). */
async function bumpVersion(db: Db, userId: string, version: number): Promise<void> {
  await db
    .insertInto('user_state')
    .values({ user_id: userId, version, base_currency: null })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ version: sql`greatest(user_state.version, excluded.version)` }))
    .execute();
}

/**
 * Stores an activity as of an event; a row already written by a newer event wins. A deleted
 * activity keeps its row, marked, so that a late older event cannot bring it back.
 */
export async function saveActivity(db: Db, e: ActivityEvent, deleted: boolean): Promise<void> {
  const row = {
    activity_id: e.activityId,
    user_id: e.userId,
    account_id: e.accountId,
    type: e.type,
    date: e.date,
    symbol: e.symbol,
    quantity: e.quantity,
    unit_price: e.unitPrice,
    amount: e.amount,
    fee: e.fee,
    tax: e.tax,
    currency: e.currency,
    ratio: e.ratio,
    transfer_id: e.transferId,
    deleted,
    version: e.version,
  };
  const { activity_id: _id, user_id: _user, ...update } = row;
  await db
    .insertInto('activities')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('activity_id')
        .doUpdateSet(update)
        .where('activities.version', '<', e.version)
        .where('activities.user_id', '=', e.userId),
    )
    .execute();
  await bumpVersion(db, e.userId, e.version);
}

export async function saveAccount(db: Db, e: AccountEvent, state: { archived?: boolean; deleted?: boolean }): Promise<void> {
  const row = {
    account_id: e.accountId,
    user_id: e.userId,
    name: e.name,
    type: e.type,
    currency: e.currency,
    institution: e.institution,
    track_cash: e.trackCash,
    cost_basis_method: e.costBasisMethod,
    archived: state.archived ?? e.archived,
    deleted: state.deleted ?? false,
    version: e.version,
  };
  const { account_id: _id, user_id: _user, ...update } = row;
  await db
    .insertInto('accounts')
    .values(row)
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet(update).where('accounts.version', '<', e.version).where('accounts.user_id', '=', e.userId),
    )
    .execute();
  await bumpVersion(db, e.userId, e.version);
}

export async function markAccountDeleted(db: Db, userId: string, accountId: string, version: number): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ deleted: true, version })
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('version', '<', version)
    .execute();
  await bumpVersion(db, userId, version);
}

export interface UserData {
  version: number;
  baseCurrency: string | null;
  accounts: AccountRow[];
  /** Live activities by day, then order of arrival. */
  activities: ActivityRow[];
}

/** A consistent snapshot of one user's read model. */
export async function loadUser(db: Db, userId: string): Promise<UserData> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const state = await trx.selectFrom('user_state').selectAll().where('user_id', '=', userId).executeTakeFirst();
      const accounts = await trx.selectFrom('accounts').selectAll().where('user_id', '=', userId).where('deleted', '=', false).execute();
      const activities = await trx
        .selectFrom('activities')
        .selectAll()
        .where('user_id', '=', userId)
        .where('deleted', '=', false)
        .orderBy('date')
        .orderBy('seq')
        .execute();
      return {
        version: state ? Number(state.version) : 0,
        baseCurrency: state?.base_currency ?? null,
        accounts: accounts.map((a) => ({ ...a, version: Number(a.version) })),
        activities: activities.map((a) => ({ ...a, seq: Number(a.seq), version: Number(a.version) })),
      };
    });
}

export async function readVersion(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('user_state').select('version').where('user_id', '=', userId).executeTakeFirst();
  return row ? Number(row.version) : 0;
}

export async function saveBaseCurrency(db: Db, userId: string, currency: string): Promise<void> {
  await db
    .insertInto('user_state')
    .values({ user_id: userId, version: 0, base_currency: currency })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ base_currency: currency }))
    .execute();
}

/** Erases everything kept about a user. */
export async function eraseUser(db: Db, userId: string): Promise<number> {
  let rows = 0;
  for (const table of ['activities', 'accounts', 'user_state'] as const) {
    const r = await db.deleteFrom(table).where('user_id', '=', userId).executeTakeFirst();
    rows += Number(r.numDeletedRows);
  }
  return rows;
}
