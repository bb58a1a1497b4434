import type { OrderDto } from '@meridian/contracts';
import { useState } from 'react';
import { OrderBlotter } from '../components/OrderBlotter';
import { TradeTicket } from '../components/TradeTicket';
import { TransferForm } from '../components/TransferForm';
import { Card, EmptyState, Loading, PageHeader, QueryProblem } from '../components/ui';
import { statusLabel } from '../features/tradeTicket';
import { formatMoney, formatNumber } from '../lib/format';
import { useAccounts } from '../lib/queries';
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
        <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
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
            <OrderBlotter accounts={accounts.data} />
          </Card>
        </div>
      )}
    </>
  );
}
