import type { AccountDto, ActivityDto } from '@meridian/contracts';
import { formatDay, formatMoney, formatNumber } from '../lib/format';

export const TYPE_LABELS: Record<string, string> = {
  BUY: 'Buy',
  SELL: 'Sell',
  DIVIDEND: 'Dividend',
  INTEREST: 'Interest',
  FEE: 'Fee',
  TAX: 'Tax',
  DEPOSIT: 'Deposit',
  WITHDRAWAL: 'Withdrawal',
  TRANSFER_IN: 'Transfer in',
  TRANSFER_OUT: 'Transfer out',
  SPLIT: 'Split',
  VALUATION: 'Valuation',
};

/** What an activity did, in one line: "10 AAPL at $180.00" or "$500.00". */
export function describeActivity(a: ActivityDto): string {
  if (a.type === 'SPLIT') return `${a.symbol ?? ''} ${a.ratio ?? ''}`.trim();
  if (a.quantity && a.unitPrice) return `${formatNumber(a.quantity)} ${a.symbol ?? ''} at ${formatMoney(a.unitPrice, a.currency)}`;
  if (a.quantity && a.symbol) return `${formatNumber(a.quantity)} ${a.symbol}`;
  if (a.type === 'VALUATION' && a.unitPrice) return `${a.symbol ?? ''} at ${formatMoney(a.unitPrice, a.currency)}`;
  return `${a.symbol ? `${a.symbol} · ` : ''}${formatMoney(a.amount, a.currency)}`;
}

/** Cash effect of an activity (positive in, negative out), as a decimal string; null when it has none. */
export function activityTotal(a: ActivityDto): number | null {
  const q = Number(a.quantity ?? 0);
  const p = Number(a.unitPrice ?? 0);
  const amt = a.amount !== null ? Number(a.amount) : q * p;
  const costs = Number(a.fee) + Number(a.tax);
  switch (a.type) {
    case 'BUY':
      return -(q * p + costs);
    case 'SELL':
      return q * p - costs;
    case 'DIVIDEND':
    case 'INTEREST':
    case 'DEPOSIT':
    case 'TRANSFER_IN':
      return a.amount !== null || a.type === 'DIVIDEND' || a.type === 'INTEREST' ? amt - costs : null;
    case 'FEE':
    case 'TAX':
    case 'WITHDRAWAL':
    case 'TRANSFER_OUT':
      return a.amount !== null ? -amt : null;
    case 'SPLIT':
    case 'VALUATION':
      return null;
  }
}

export function ActivityRows({ items, accounts, onEdit }: { items: ActivityDto[]; accounts: AccountDto[] | undefined; onEdit?: (a: ActivityDto) => void }) {
  const names = new Map((accounts ?? []).map((a) => [a.id, a.name]));
  return (
    <ul className="divide-y divide-slate-200 dark:divide-slate-800">
      {items.map((a) => {
        const total = activityTotal(a);
        return (
          <li key={a.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 py-2 text-sm" data-testid="activity-row">
            <span className="w-28 shrink-0 text-slate-500 dark:text-slate-400">{formatDay(a.date)}</span>
            <span className="w-24 shrink-0 font-medium">{TYPE_LABELS[a.type] ?? a.type}</span>
            <span className="min-w-0 flex-1 truncate">
              {describeActivity(a)}
              {a.source === 'IMPORT' && <span className="ml-2 rounded bg-slate-200 px-1 text-[10px] uppercase dark:bg-slate-700">imported</span>}
            </span>
            <span className="hidden w-32 truncate text-slate-500 sm:inline dark:text-slate-400">{names.get(a.accountId) ?? ''}</span>
            <span className="w-28 text-right tabular-nums">{total === null ? '' : formatMoney(total, a.currency, { signed: true })}</span>
            {onEdit && (
              <button type="button" className="text-brand-700 underline dark:text-brand-500" onClick={() => onEdit(a)} aria-label={`Edit ${TYPE_LABELS[a.type] ?? a.type} of ${formatDay(a.date)}`}>
                Edit
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
