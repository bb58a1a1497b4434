import type { EventHandlers } from '@meridian/platform';
import { AppError } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { ExecutionDatabase } from './database.js';
import type { ExecutionDeps } from './deps.js';

type Db = Kysely<ExecutionDatabase>;

export interface LinkedAccount {
  id: string;
  userId: string;
  currency: string;
}

async function upsertAccount(db: Db, a: { id: string; userId: string; currency: string; archived: boolean }): Promise<void> {
  await db
    .insertInto('accounts')
    .values({ id: a.id, user_id: a.userId, currency: a.currency, archived: a.archived, updated_at: new Date() })
    .onConflict((oc) => oc.column('id').doUpdateSet({ currency: a.currency, archived: a.archived, updated_at: new Date() }))
    .execute();
}

/**
 * The caller's open account, as the transactions service knows it: from the copy kept from
 * `transactions.account.*` events, else asked over HTTP with the caller's token (an account
 * created a moment ago may not have arrived as an event yet). Another user's account is a 404.
 */
export async function requireAccount(deps: ExecutionDeps, userId: string, token: string, accountId: string): Promise<LinkedAccount> {
  let row = await deps.db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
  if (!row) {
    let body: { id: string; currency: string; archived?: boolean; archivedAt?: string | null };
    try {
      body = (await deps.clients.get('transactions').request<typeof body>({ path: `/accounts/${accountId}`, token })).body;
    } catch (err) {
      if (err instanceof AppError && (err.code === 'not_found' || err.code === 'forbidden')) throw new AppError('not_found', `account ${accountId} not found`);
      throw err;
    }
    const archived = body.archived === true || (body.archivedAt !== undefined && body.archivedAt !== null);
    await upsertAccount(deps.db, { id: body.id, userId, currency: body.currency, archived });
    row = { id: body.id, user_id: userId, currency: body.currency, archived, updated_at: new Date() };
  }
  if (row.user_id !== userId) throw new AppError('not_found', `account ${accountId} not found`);
  if (row.archived) throw new AppError('unprocessable', `account ${accountId} is archived`, { details: { reason: 'account_archived' } });
  return { id: row.id, userId: row.user_id, currency: row.currency };
}

/** An account of the user known locally (no HTTP): for reads, where an unknown account simply has nothing. */
export async function ownsAccount(db: Db, userId: string, accountId: string): Promise<boolean> {
  const row = await db.selectFrom('accounts').select('user_id').where('id', '=', accountId).executeTakeFirst();
  return row?.user_id === userId;
}

/** Keeps the copy of the transactions service's accounts, and erases a deleted user's data. */
export function accountConsumers(): EventHandlers {
  return {
    'transactions.account.created': async (event, trx) => {
      const d = event.data;
      await upsertAccount(trx as unknown as Db, { id: d.accountId, userId: d.userId, currency: d.currency, archived: d.archived });
    },
    'transactions.account.updated': async (event, trx) => {
      const d = event.data;
      await upsertAccount(trx as unknown as Db, { id: d.accountId, userId: d.userId, currency: d.currency, archived: d.archived });
    },
    'transactions.account.archived': async (event, trx) => {
      const d = event.data;
      await upsertAccount(trx as unknown as Db, { id: d.accountId, userId: d.userId, currency: d.currency, archived: true });
    },
    'transactions.account.deleted': async (event, trx) => {
      await (trx as unknown as Db).updateTable('accounts').set({ archived: true }).where('id', '=', event.data.accountId).execute();
    },
    'auth.user.deleted': async (event, trx) => {
      const db = trx as unknown as Db;
      const userId = event.data.userId;
      const accounts = (await db.selectFrom('accounts').select('id').where('user_id', '=', userId).execute()).map((a) => a.id);
      for (const table of ['orders', 'order_transitions', 'fills', 'audit_log', 'risk_settings', 'daily_usage', 'broker_links', 'transfers', 'paper_accounts', 'paper_orders'] as const) {
        await db.deleteFrom(table).where('user_id', '=', userId).execute();
      }
      if (accounts.length > 0) {
        await db.deleteFrom('paper_positions').where('account_id', 'in', accounts).execute();
        await db.deleteFrom('audit_heads').where('account_id', 'in', accounts).execute();
      }
      await db.deleteFrom('accounts').where('user_id', '=', userId).execute();
    },
  };
}
