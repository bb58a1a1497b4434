import type { AccountDto, OrderDto } from '@meridian/contracts';
import { canModify } from '../features/orderModify';
import { TYPE_LABELS } from '../features/tradeTicket';
import { formatInstant, formatMoney, formatNumber } from '../lib/format';
import { isOpenOrder, useCancelOrder, useOrders } from '../lib/queries';
import { Link, navigate, setSearchParams, useLocation } from '../lib/router';
import { StatusBadge } from './OrderStatusBadge';
import { Button, EmptyState, ErrorNote, Loading, QueryProblem, SelectField } from './ui';

const STATUS_FILTERS = { all: 'All', open: 'Open', filled: 'Filled', canceled: 'Canceled or other' } as const;
export type StatusFilter = keyof typeof STATUS_FILTERS;

const isStatusFilter = (v: string | null): v is StatusFilter => v !== null && Object.hasOwn(STATUS_FILTERS, v);

/**
 * The blotter's filters from the query string (`?status=open&account=<id>`): an unknown status
 * shows all orders, an account that is not the user's shows every account.
 */
export function blotterFilters(search: URLSearchParams, accounts: readonly Pick<AccountDto, 'id'>[]): { status: StatusFilter; accountId: string } {
  const status = search.get('status');
  const account = search.get('account') ?? '';
  return { status: isStatusFilter(status) ? status : 'all', accountId: accounts.some((a) => a.id === account) ? account : '' };
}

/** Which orders the API lists for a filter (open, closed or all), and which of those the filter keeps. */
function select(status: StatusFilter): { list: 'open' | 'closed' | 'all'; keep: (o: OrderDto) => boolean } {
  switch (status) {
    case 'open':
      return { list: 'open', keep: () => true };
    case 'filled':
      return { list: 'closed', keep: (o) => o.status === 'filled' };
    case 'canceled':
      // Canceled, expired, rejected or replaced: over without filling in full.
      return { list: 'closed', keep: (o) => o.status !== 'filled' };
    case 'all':
      return { list: 'all', keep: () => true };
  }
}

/** Orders, newest first, filtered by account and status (kept in the URL); polled while any order works, refreshed by the live feed on fills. */
export function OrderBlotter({ accounts }: { accounts: AccountDto[] }) {
  const { search } = useLocation();
  const filters = blotterFilters(search, accounts);
  const { list, keep } = select(filters.status);
  const orders = useOrders(list, filters.accountId);
  const cancel = useCancelOrder();
  const rows = (orders.data ?? []).filter(keep);
  const filtered = filters.status !== 'all' || filters.accountId !== '';
  const accountName = accounts.find((a) => a.id === filters.accountId)?.name;

  return (
    <>
      <div className="mb-3 grid max-w-md grid-cols-2 gap-3" role="group" aria-label="Filter orders">
        <SelectField label="Account" value={filters.accountId} onChange={(e) => setSearchParams({ account: e.target.value || undefined })}>
          <option value="">All accounts</option>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
              {a.archived ? ' (archived)' : ''}
            </option>
          ))}
        </SelectField>
        <SelectField label="Show" value={filters.status} onChange={(e) => setSearchParams({ status: e.target.value === 'all' ? undefined : e.target.value })}>
          {(Object.keys(STATUS_FILTERS) as StatusFilter[]).map((f) => (
            <option key={f} value={f}>
              {STATUS_FILTERS[f]}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorNote error={cancel.error} title="Could not cancel" />
      {orders.isPending ? (
        <Loading />
      ) : orders.isError ? (
        <QueryProblem error={orders.error} what="Orders" />
      ) : rows.length === 0 ? (
        filtered ? (
          <EmptyState
            title={`No ${filters.status === 'all' ? '' : `${STATUS_FILTERS[filters.status].toLowerCase()} `}orders${accountName ? ` in ${accountName}` : ''}`}
            action={
              <Button variant="secondary" onClick={() => setSearchParams({ status: undefined, account: undefined })}>
                Show all orders
              </Button>
            }
          />
        ) : (
          <EmptyState title="No orders yet">Orders you place with the ticket show here, with their live status.</EmptyState>
        )
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
                    <div className="flex justify-end gap-2">
                      {canModify(o) && (
                        <Button variant="secondary" className="py-1" onClick={() => navigate(`/trade/orders/${o.id}?modify=1`)} aria-label={`Modify ${o.side} ${o.symbol}`}>
                          Modify
                        </Button>
                      )}
                      {isOpenOrder(o) && (
                        <Button variant="secondary" className="py-1" busy={cancel.isPending && cancel.variables === o.id} onClick={() => cancel.mutate(o.id)} aria-label={`Cancel ${o.side} ${o.symbol}`}>
                          Cancel
                        </Button>
                      )}
                    </div>
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
