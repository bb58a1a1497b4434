import type { OrderDto } from '@meridian/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { TradeTicket } from '../components/TradeTicket';
import { TransferForm } from '../components/TransferForm';
import { Button, Card, EmptyState, ErrorNote, Loading, PageHeader, QueryProblem, SelectField, cx } from '../components/ui';
import { TYPE_LABELS } from '../features/tradeTicket';
import { api } from '../lib/api';
import { formatInstant, formatMoney, formatNumber } from '../lib/format';
import { isOpenOrder, useAccounts, useOrders } from '../lib/queries';
import { Link } from '../lib/router';

export default function Trade() {
  const accounts = useAccounts();
  const [placed, setPlaced] = useState<OrderDto | null>(null);
  return (
    <>
      <PageHeader title="Trade" />
      {accounts.isPending ? (
        <Loading />
      ) : accounts.isError ? (
        <QueryProblem error={accounts.error} what="Accounts" />
      ) : accounts.data.length === 0 ? (
        <EmptyState title="No account to trade in" action={<Link to="/accounts?new=1" className="underline">Create an account</Link>} />
      ) : (
        <div className="grid gap-4 xl:grid-cols-2">
          <Card title="Order ticket">
            <TradeTicket accounts={accounts.data} onPlaced={setPlaced} />
            {placed && (
              <p role="status" className="mt-3 text-sm" data-testid="order-placed">
                Order {placed.side} {placed.quantity ? formatNumber(placed.quantity) : formatMoney(placed.notional, placed.currency)} {placed.symbol}:{' '}
                <Link to={`/trade/orders/${placed.id}`} className="font-medium underline">
                  {statusLabel(placed.status)}
                </Link>
              </p>
            )}
          </Card>
          <Card title="Deposit or withdraw">
            <TransferForm accounts={accounts.data} />
          </Card>
          <Card title="Orders" className="xl:col-span-2">
            <Blotter />
          </Card>
        </div>
      )}
    </>
  );
}

export const statusLabel = (s: string) => (s === 'partially_filled' ? 'partially filled' : s);

export function StatusBadge({ status }: { status: string }) {
  const tone =
    status === 'filled'
      ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200'
      : status === 'rejected' || status === 'expired' || status === 'canceled'
        ? 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300'
        : 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200';
  return <span className={cx('rounded px-1.5 py-0.5 text-xs font-semibold', tone)}>{statusLabel(status)}</span>;
}

const FILTERS = { open: 'Open', filled: 'Filled', canceled: 'Canceled', all: 'All' } as const;
type Filter = keyof typeof FILTERS;

/** Orders, newest first; polled while any order works, refreshed by the live feed on fills. */
function Blotter() {
  const [filter, setFilter] = useState<Filter>('all');
  const client = useQueryClient();
  const orders = useOrders(filter === 'open' ? 'open' : filter === 'all' ? 'all' : 'closed');
  const [cancelError, setCancelError] = useState<unknown>(null);
  const [canceling, setCanceling] = useState<string | null>(null);
  const rows = (orders.data ?? []).filter((o) => (filter === 'filled' ? o.status === 'filled' : filter === 'canceled' ? o.status === 'canceled' : true));

  const cancel = async (order: OrderDto) => {
    setCancelError(null);
    setCanceling(order.id);
    try {
      await api(`/execution/orders/${order.id}`, { method: 'DELETE' });
    } catch (err) {
      setCancelError(err);
    } finally {
      setCanceling(null);
      await client.invalidateQueries({ queryKey: ['execution'] });
    }
  };

  return (
    <>
      <div className="mb-3 max-w-48">
        <SelectField label="Show" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
          {(Object.keys(FILTERS) as Filter[]).map((f) => (
            <option key={f} value={f}>
              {FILTERS[f]}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorNote error={cancelError} title="Could not cancel" />
      {orders.isPending ? (
        <Loading />
      ) : orders.isError ? (
        <QueryProblem error={orders.error} what="Orders" />
      ) : rows.length === 0 ? (
        <EmptyState title={filter === 'all' ? 'No orders yet' : `No ${FILTERS[filter].toLowerCase()} orders`}>Orders you place with the ticket show here, with their live status.</EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[720px] text-sm" data-testid="orders-table">
            <caption className="sr-only">Orders, newest first</caption>
            <thead>
              <tr className="border-b border-slate-200 text-left dark:border-slate-700">
                <th scope="col" className="p-2">Placed</th>
                <th scope="col" className="p-2">Order</th>
                <th scope="col" className="p-2">Status</th>
                <th scope="col" className="p-2 text-right">Filled</th>
                <th scope="col" className="p-2 text-right">Average price</th>
                <th scope="col" className="p-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((o) => (
                <tr key={o.id} className="border-b border-slate-100 dark:border-slate-800" data-testid="order-row" data-status={o.status}>
                  <td className="p-2 whitespace-nowrap">{formatInstant(o.createdAt)}</td>
                  <td className="p-2">
                    <Link to={`/trade/orders/${o.id}`} className="font-medium underline-offset-2 hover:underline">
                      {o.side === 'buy' ? 'Buy' : 'Sell'} {o.quantity ? formatNumber(o.quantity) : formatMoney(o.notional, o.currency)} {o.symbol}
                    </Link>
                    <span className="text-xs text-slate-500 dark:text-slate-400"> · {TYPE_LABELS[o.type]}</span>
                  </td>
                  <td className="p-2">
                    <StatusBadge status={o.status} />
                  </td>
                  <td className="p-2 text-right tabular-nums">{formatNumber(o.filledQuantity)}</td>
                  <td className="p-2 text-right tabular-nums">{formatMoney(o.averagePrice, o.currency)}</td>
                  <td className="p-2 text-right">
                    {isOpenOrder(o) && (
                      <Button variant="secondary" className="py-1" busy={canceling === o.id} onClick={() => void cancel(o)} aria-label={`Cancel ${o.side} ${o.symbol}`}>
                        Cancel
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
