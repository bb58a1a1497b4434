import { EXPORT_CSV_COLUMNS, type ExportQuery, type MeridianExport } from '@meridian/contracts';
import { accountFromRow, toAccountDto } from './accounts.js';
import { requireAccount } from './accounts.service.js';
import { activityFromRow, toActivityDto } from './activities.js';
import { listAccounts } from './accounts.repository.js';
import { allActivities } from './activities.repository.js';
import type { TransactionsDeps } from './deps.js';
import { csvCell } from './imports/csv.js';

/** Everything (or one account, or a date range) as Meridian's JSON export, oldest first. */
export async function exportJson(deps: TransactionsDeps, userId: string, query: ExportQuery): Promise<MeridianExport> {
  if (query.accountId) await requireAccount(deps.db, userId, query.accountId);
  const accounts = (await listAccounts(deps.db, userId, { includeArchived: true }))
    .map(accountFromRow)
    .filter((a) => !query.accountId || a.id === query.accountId);
  const activities = (await allActivities(deps.db, userId, query)).map(activityFromRow);
  return {
    format: 'meridian',
    version: 1,
    exportedAt: deps.clock().toISOString(),
    accounts: accounts.map(toAccountDto),
    activities: activities.map(toActivityDto),
  };
}

/** The same as CSV (columns EXPORT_CSV_COLUMNS), importable again with the `meridian` preset. */
export async function exportCsv(deps: TransactionsDeps, userId: string, query: ExportQuery): Promise<string> {
  const data = await exportJson(deps, userId, query);
  const names = new Map(data.accounts.map((a) => [a.id, a.name]));
  const lines = [EXPORT_CSV_COLUMNS.join(',')];
  for (const a of data.activities) {
    const cells: Record<(typeof EXPORT_CSV_COLUMNS)[number], string | null> = {
      date: a.date,
      type: a.type,
      account: names.get(a.accountId) ?? null,
      accountId: a.accountId,
      symbol: a.symbol,
      quantity: a.quantity,
      unitPrice: a.unitPrice,
      amount: a.amount,
      fee: a.fee,
      tax: a.tax,
      currency: a.currency,
      ratio: a.ratio,
      transferId: a.transferId,
      notes: a.notes,
      id: a.id,
    };
    lines.push(EXPORT_CSV_COLUMNS.map((c) => csvCell(cells[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

