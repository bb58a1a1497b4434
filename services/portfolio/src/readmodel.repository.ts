import type { EventData } from '@meridian/contracts';
import type { Kysely, Selectable } from 'kysely';
import type { AccountsTable, ActivitiesTable, PortfolioDatabase } from './database.js';

type Db = Kysely<PortfolioDatabase>;
type ActivityEvent = EventData<'transactions.activity.recorded'>;
type AccountEvent = EventData<'transactions.account.created'>;

export type AccountRow = Selectable<AccountsTable>;
export type ActivityRow = Selectable<ActivitiesTable>;

/**
 * Records that the event with `version` is applied and moves the user's watermark over every
 * version now applied without a gap. Consumers run concurrently, so version 4 may commit
 * before 2: the row lock on `user_state` serialises this step per user, and each holder sees
 * what earlier holders committed. Answers false if the version was applied before.
 */
async function advanceVersion(db: Db, userId: string, version: number): Promise<boolean> {
  // Creates the row on first use and locks it, in one statement (the no-op update takes the lock).
  const state = await db
    .insertInto('user_state')
    .values({ user_id: userId, version: 0, base_currency: null })
    .onConflict((oc) => oc.column('user_id').doUpdateSet((eb) => ({ user_id: eb.ref('excluded.user_id') })))
    .returning('version')
    .executeTakeFirstOrThrow();
  let current = Number(state.version);
  if (version <= current) return false;
  if (version > current + 1) {
    const inserted = await db.insertInto('applied_versions').values({ user_id: userId, version }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 1n) > 0;
  }
  current = version;
  const ahead = await db.selectFrom('applied_versions').select('version').where('user_id', '=', userId).where('version', '>', current).orderBy('version').execute();
  for (const row of ahead) {
    if (Number(row.version) !== current + 1) break;
    current += 1;
  }
  // Versions ahead are recorded only above the watermark, so there is something to delete
  // only when the watermark just passed some of them.
  if (current > version) await db.deleteFrom('applied_versions').where('user_id', '=', userId).where('version', '<=', current).execute();
  await db.updateTable('user_state').set({ version: current }).where('user_id', '=', userId).execute();
  return true;
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
  await advanceVersion(db, e.userId, e.version);
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
  await advanceVersion(db, e.userId, e.version);
}

export async function markAccountDeleted(db: Db, userId: string, accountId: string, version: number): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ deleted: true, version })
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('version', '<', version)
    .execute();
  await advanceVersion(db, userId, version);
}

export interface UserData {
  /** Every event up to here is applied. */
  version: number;
  /** Versions above it applied already (their events are in the rows). */
  ahead: number[];
  /** Deleted activities' versions: an older event for one of them changes nothing. */
  tombstones: Map<string, number>;
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
      const rows = await trx.selectFrom('activities').selectAll().where('user_id', '=', userId).orderBy('date').orderBy('seq').execute();
      const activities = rows.filter((a) => !a.deleted);
      const ahead = await trx.selectFrom('applied_versions').select('version').where('user_id', '=', userId).execute();
      return {
        version: state ? Number(state.version) : 0,
        ahead: ahead.map((r) => Number(r.version)),
        tombstones: new Map(rows.filter((a) => a.deleted).map((a) => [a.activity_id, Number(a.version)])),
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
  for (const table of ['activities', 'accounts', 'user_state', 'applied_versions'] as const) {
    const r = await db.deleteFrom(table).where('user_id', '=', userId).executeTakeFirst();
    rows += Number(r.numDeletedRows);
  }
  return rows;
}
