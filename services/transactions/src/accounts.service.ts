import type { AccountDto, BalancesDto, CreateAccountBody, UpdateAccountBody } from '@meridian/contracts';
import { AppError, uuidv7 } from '@meridian/platform';
import type { Kysely, Updateable } from 'kysely';
import { accountEventState, accountFromRow, toAccountDto, type Account } from './accounts.js';
import { activityFromRow } from './activities.js';
import {
  deleteAccount as deleteAccountRow,
  findAccount,
  insertAccount,
  listAccounts as listAccountRows,
  updateAccount as updateAccountRow,
} from './accounts.repository.js';
import { activitiesOfAccounts, countActivitiesOfAccount } from './activities.repository.js';
import type { AccountsTable, TransactionsDatabase } from './database.js';
import type { TransactionsDeps } from './deps.js';
import { balances } from './ledger.js';
import { assertLedger } from './ledger.service.js';
import type { Trx, UserWrite, WriteResult } from './writes.js';

type Db = Kysely<TransactionsDatabase>;

/** The user's account, or a 404 (also for another user's account: its existence is not revealed). */
export async function requireAccount(db: Db, userId: string, accountId: string): Promise<Account> {
  const row = await findAccount(db, userId, accountId);
  if (!row) throw new AppError('not_found', `account ${accountId} not found`);
  return accountFromRow(row);
}

/** An account that can take new activities. */
export async function requireOpenAccount(db: Db, userId: string, accountId: string, field = 'accountId'): Promise<Account> {
  const account = await requireAccount(db, userId, accountId);
  if (account.archivedAt) {
    throw new AppError('unprocessable', `account "${account.name}" is archived; unarchive it (PATCH {"archived": false}) to change its activities`, {
      details: { reason: 'account_archived', field },
    });
  }
  return account;
}

export async function createAccount(deps: TransactionsDeps, trx: Trx, w: UserWrite, input: CreateAccountBody): Promise<WriteResult> {
  const version = w.nextVersion();
  const row = await insertAccount(trx, {
    id: uuidv7(),
    user_id: w.userId,
    name: input.name,
    type: input.type,
    currency: input.currency,
    institution: input.institution ?? null,
    track_cash: input.trackCash,
    cost_basis_method: input.costBasisMethod,
    archived_at: null,
    version,
    created_at: w.now,
    updated_at: w.now,
  });
  const account = accountFromRow(row);
  await deps.outbox.enqueue(trx, 'transactions.account.created', { userId: w.userId, version, ...accountEventState(account) }, { subject: w.userId });
  return { status: 201, body: toAccountDto(account) };
}

export async function listAccounts(deps: TransactionsDeps, userId: string, includeArchived: boolean): Promise<AccountDto[]> {
  const rows = await listAccountRows(deps.db, userId, { includeArchived });
  return rows.map((r) => toAccountDto(accountFromRow(r)));
}

export async function getAccount(deps: TransactionsDeps, userId: string, accountId: string): Promise<AccountDto> {
  return toAccountDto(await requireAccount(deps.db, userId, accountId));
}

/**
 * Changes an account. Turning `trackCash` on is checked against the ledger (its cash must
 * never have gone negative); archiving publishes `transactions.account.archived`, any other
 * change `transactions.account.updated`.
 */
export async function updateAccount(
  deps: TransactionsDeps,
  trx: Trx,
  w: UserWrite,
  accountId: string,
  input: UpdateAccountBody,
): Promise<WriteResult> {
  const current = await requireAccount(trx, w.userId, accountId);
  const changes: Updateable<AccountsTable> = {};
  if (input.name !== undefined && input.name !== current.name) changes.name = input.name;
  if (input.currency !== undefined && input.currency !== current.currency) changes.currency = input.currency;
  if (input.type !== undefined && input.type !== current.type) changes.type = input.type;
  if (input.institution !== undefined && (input.institution ?? null) !== current.institution) changes.institution = input.institution ?? null;
  if (input.trackCash !== undefined && input.trackCash !== current.trackCash) changes.track_cash = input.trackCash;
  if (input.costBasisMethod !== undefined && input.costBasisMethod !== current.costBasisMethod) changes.cost_basis_method = input.costBasisMethod;
  const archiving = input.archived === true && current.archivedAt === null;
  const unarchiving = input.archived === false && current.archivedAt !== null;
  if (archiving) changes.archived_at = w.now;
  if (unarchiving) changes.archived_at = null;
  if (Object.keys(changes).length === 0) return { status: 200, body: toAccountDto(current) };

  if (changes.track_cash === true) {
    await assertLedger(trx, w, [current], { accounts: [{ ...current, trackCash: true }] }, 'cannot turn on trackCash: ');
  }
  const version = w.nextVersion();
  const row = await updateAccountRow(trx, w.userId, accountId, { ...changes, version, updated_at: w.now });
  if (!row) throw new AppError('not_found', `account ${accountId} not found`);
  const account = accountFromRow(row);
  const onlyArchived = archiving && Object.keys(changes).length === 1;
  if (onlyArchived) {
    await deps.outbox.enqueue(trx, 'transactions.account.archived', { userId: w.userId, version, ...accountEventState(account) }, { subject: w.userId });
  } else {
    await deps.outbox.enqueue(
      trx,
      'transactions.account.updated',
      { userId: w.userId, version, ...accountEventState(account), previous: accountEventState(current) },
      { subject: w.userId },
    );
  }
  return { status: 200, body: toAccountDto(account) };
}

/**
 * Archives an account (its history stays and still counts; it takes no new activities), or
 * with `permanent` deletes an account that has no activities.
 */
export async function deleteAccount(
  deps: TransactionsDeps,
  trx: Trx,
  w: UserWrite,
  accountId: string,
  permanent: boolean,
): Promise<WriteResult> {
  const current = await requireAccount(trx, w.userId, accountId);
  if (!permanent) return updateAccount(deps, trx, w, accountId, { archived: true });
  const count = await countActivitiesOfAccount(trx, w.userId, accountId);
  if (count > 0) {
    throw new AppError('conflict', `account "${current.name}" has ${count} activities: delete them first, or archive the account instead`, {
      details: { reason: 'account_not_empty', activities: count },
    });
  }
  await deleteAccountRow(trx, w.userId, accountId);
  const version = w.nextVersion();
  await deps.outbox.enqueue(trx, 'transactions.account.deleted', { userId: w.userId, version, accountId }, { subject: w.userId });
  return { status: 204, body: null };
}

/** Positions and cash of an account at the end of a day (default: after everything). */
export async function accountBalances(deps: TransactionsDeps, userId: string, accountId: string, date: string | undefined): Promise<BalancesDto> {
  const account = await requireAccount(deps.db, userId, accountId);
  const rows = await activitiesOfAccounts(deps.db, userId, [accountId]);
  const result = balances(account, rows.map(activityFromRow), date ?? null);
  return {
    accountId,
    date: date ?? null,
    positions: [...result.positions]
      .filter(([, q]) => !q.isZero())
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([symbol, q]) => ({ symbol, quantity: q.toString() })),
    cash: [...result.cash].sort(([a], [b]) => a.localeCompare(b)).map(([currency, b]) => ({ currency, balance: b.toString() })),
  };
}
