import { statusLabel } from '../features/tradeTicket';
import { cx } from './ui';

/** Green once filled, grey once over without a fill (canceled, expired, rejected, replaced), amber while it works. */
export function StatusBadge({ status }: { status: string }) {
  const tone =
    status === 'filled'
      ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200'
      : status === 'rejected' || status === 'expired' || status === 'canceled' || status === 'replaced'
        ? 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300'
        : 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200';
  return <span className={cx('rounded px-1.5 py-0.5 text-xs font-semibold', tone)}>{statusLabel(status)}</span>;
}
