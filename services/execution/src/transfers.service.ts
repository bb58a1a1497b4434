import type { BankTransferBody, BankTransferDto } from '@meridian/contracts';
import { Decimal } from '@meridian/finance';
import { AppError, uuidv7 } from '@meridian/platform';
import { requireAccount } from './accounts.service.js';
import { appendAudit } from './audit.repository.js';
import { createBank, type BankAdapter } from './banks/index.js';
import { alpacaCredentials } from './brokers/index.js';
import { movePaperCash } from './brokers/paper/paper.broker.js';
import type { TransferRow } from './database.js';
import type { ExecutionDeps } from './deps.js';

export function toTransferDto(row: TransferRow): BankTransferDto {
  return {
    id: row.id,
    accountId: row.account_id,
    direction: row.direction as BankTransferDto['direction'],
    amount: Decimal.from(row.amount).toString(),
    currency: row.currency,
    status: row.status as BankTransferDto['status'],
    provider: row.provider,
    failureReason: row.failure_reason,
    createdAt: new Date(row.created_at).toISOString(),
    completedAt: row.completed_at ? new Date(row.completed_at).toISOString() : null,
  };
}

/**
 * Settles a transfer: the paper account's cash moves, and `execution.transfer.completed` asks
 * the transactions service to book the DEPOSIT or WITHDRAWAL, in one transaction.
 */
async function settle(deps: ExecutionDeps, transferId: string): Promise<TransferRow> {
  const linked = await deps.db.selectFrom('transfers').innerJoin('broker_links', 'broker_links.account_id', 'transfers.account_id').select('broker_links.account_id').where('transfers.id', '=', transferId).executeTakeFirst();
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('transfers').selectAll().where('id', '=', transferId).forUpdate().executeTakeFirstOrThrow();
    if (row.status !== 'pending') return row;
    const now = deps.clock();
    const amount = Decimal.from(row.amount);
    const account = { accountId: row.account_id, userId: row.user_id, currency: row.currency };
    const paper = !linked;
    if (paper) {
      const cash = await movePaperCash(trx, account, row.direction === 'deposit' ? amount : amount.neg());
      if (cash.isNegative()) throw new AppError('unprocessable', 'the withdrawal exceeds the cash in the account', { details: { reason: 'insufficient_cash' } });
    }
    const updated = await trx.updateTable('transfers').set({ status: 'completed', completed_at: now }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
    await appendAudit(trx, [{ accountId: row.account_id, userId: row.user_id, orderId: null, kind: 'transfer', payload: { transferId: row.id, direction: row.direction, amount: row.amount, currency: row.currency, status: 'completed' }, at: now }]);
    await deps.outbox.enqueue(
      trx,
      'execution.transfer.completed',
      { userId: row.user_id, accountId: row.account_id, transferId: row.id, direction: row.direction as 'deposit' | 'withdrawal', amount: amount.toString(), currency: row.currency, completedAt: now.toISOString(), provider: row.provider },
      { subject: row.user_id },
    );
    return updated;
  });
}

/** Moves money between the user's bank and an account; the simulated bank settles at once, Plaid when its transfer settles. */
export async function createTransfer(deps: ExecutionDeps, userId: string, token: string, body: BankTransferBody, bank: BankAdapter = createBank(deps.settings)): Promise<BankTransferDto> {
  const account = await requireAccount(deps, userId, token, body.accountId);
  if (body.currency !== account.currency) {
    throw new AppError('validation_failed', `currency: the account holds ${account.currency}`, { details: { issues: [{ path: 'currency', message: `must be ${account.currency}, the account's currency` }] } });
  }
  if (body.direction === 'withdrawal' && !(await alpacaCredentials(deps, account.id))) {
    const cash = await deps.db.selectFrom('paper_accounts').select('cash').where('account_id', '=', account.id).executeTakeFirst();
    if (Decimal.from(cash?.cash ?? '0').lt(body.amount)) {
      throw new AppError('unprocessable', `the withdrawal of ${body.amount} ${body.currency} exceeds the cash in the account (${Decimal.from(cash?.cash ?? '0').toString()})`, { details: { reason: 'insufficient_cash' } });
    }
  }
  const id = uuidv7();
  const started = await bank.start({ transferId: id, direction: body.direction, amount: body.amount, currency: body.currency });
  await deps.db
    .insertInto('transfers')
    .values({ id, user_id: userId, account_id: account.id, direction: body.direction, amount: Decimal.from(body.amount).toString(), currency: body.currency, status: 'pending', provider: bank.name, provider_transfer_id: started.providerTransferId, failure_reason: null, created_at: deps.clock(), completed_at: null })
    .execute();
  const row = started.settled ? await settle(deps, id) : await deps.db.selectFrom('transfers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return toTransferDto(row);
}

/** Asks the bank about pending transfers and settles or fails them. */
export async function pollTransfers(deps: ExecutionDeps, bank: BankAdapter = createBank(deps.settings)): Promise<void> {
  const pending = await deps.db.selectFrom('transfers').selectAll().where('status', '=', 'pending').where('provider', '=', bank.name).limit(200).execute();
  for (const t of pending) {
    const status = await bank.status(t.provider_transfer_id ?? t.id);
    if (status.state === 'settled') await settle(deps, t.id);
    else if (status.state === 'failed') await deps.db.updateTable('transfers').set({ status: 'failed', failure_reason: status.reason }).where('id', '=', t.id).where('status', '=', 'pending').execute();
  }
}

export async function getTransfer(deps: ExecutionDeps, userId: string, id: string): Promise<BankTransferDto> {
  const row = await deps.db.selectFrom('transfers').selectAll().where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', `transfer ${id} not found`);
  return toTransferDto(row);
}
