import { useRef, useState } from 'react';
import { OrderModifyForm } from '../components/OrderModifyForm';
import { StatusBadge } from '../components/OrderStatusBadge';
import { Button, Card, ErrorNote, Loading, PageHeader, QueryProblem } from '../components/ui';
import { canModify } from '../features/orderModify';
import { statusLabel, TIF_LABELS, TYPE_LABELS } from '../features/tradeTicket';
import { formatInstant, formatMoney, formatNumber } from '../lib/format';
import { useAudit, useCancelOrder, useOrder } from '../lib/queries';
import { Link, navigate } from '../lib/router';

/** One order: status, fills, every transition, and its account's audit trail with the chain's check; a working order can be modified or canceled. */
export default function Order({ params }: { params: Record<string, string> }) {
  const order = useOrder(params.id ?? '');
  const audit = useAudit(order.data?.accountId);
  const cancel = useCancelOrder();
  // The id of the order whose modify form is open: another order's page starts closed, unless
  // it was opened to modify it (`?modify=1`, the blotter's Modify).
  const [modifying, setModifying] = useState<string | null>(() => (new URLSearchParams(window.location.search).get('modify') === '1' ? (params.id ?? null) : null));
  const modifyButton = useRef<HTMLButtonElement>(null);
  if (order.isPending) return <Loading />;
  if (order.isError) return <QueryProblem error={order.error} what="Order" />;
  const o = order.data;
  const entries = (audit.data?.entries ?? []).filter((e) => e.orderId === o.id || e.orderId === null);
  const editable = canModify(o);
  const open = editable && modifying === o.id;
  const close = () => {
    setModifying(null);
    modifyButton.current?.focus();
  };
  const actions = editable && (
    <div className="flex flex-wrap gap-2">
      <Button ref={modifyButton} variant="secondary" className="py-1" aria-expanded={open} aria-controls={open ? 'modify-order' : undefined} onClick={() => (open ? close() : setModifying(o.id))}>
        Modify
      </Button>
      <Button variant="secondary" className="py-1" busy={cancel.isPending && cancel.variables === o.id} onClick={() => cancel.mutate(o.id)}>
        Cancel order
      </Button>
    </div>
  );
  return (
    <>
      <PageHeader title={`${o.side === 'buy' ? 'Buy' : 'Sell'} ${o.symbol}`}>
        <Link to="/trade" className="text-sm underline">
          Back to trading
        </Link>
      </PageHeader>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="Order" actions={actions}>
          <ErrorNote error={cancel.variables === o.id ? cancel.error : null} title="Could not cancel" />
          <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm tabular-nums">
            <dt>Status</dt>
            <dd data-testid="order-status">
              <StatusBadge status={o.status} />
            </dd>
            {o.replacedBy && (
              <>
                <dt>Replaced by</dt>
                <dd>
                  <Link to={`/trade/orders/${o.replacedBy}`} className="font-medium underline" data-testid="replaced-by">
                    the new order
                  </Link>
                </dd>
              </>
            )}
            {o.replaces && (
              <>
                <dt>Replaces</dt>
                <dd>
                  <Link to={`/trade/orders/${o.replaces}`} className="font-medium underline" data-testid="replaces">
                    the earlier order
                  </Link>
                </dd>
              </>
            )}
            <dt>Type</dt>
            <dd>
              {TYPE_LABELS[o.type]} · {TIF_LABELS[o.timeInForce]}
            </dd>
            <dt>Ordered</dt>
            <dd>{o.quantity ? formatNumber(o.quantity) : formatMoney(o.notional, o.currency)}</dd>
            {o.limitPrice && (<><dt>Limit price</dt><dd>{formatMoney(o.limitPrice, o.currency)}</dd></>)}
            {o.stopPrice && (<><dt>Stop price</dt><dd>{formatMoney(o.stopPrice, o.currency)}</dd></>)}
            {o.trailPercent && (<><dt>Trail</dt><dd>{formatNumber(o.trailPercent)} %</dd></>)}
            {o.trailPrice && (<><dt>Trail</dt><dd>{formatMoney(o.trailPrice, o.currency)}</dd></>)}
            <dt>Filled</dt>
            <dd data-testid="order-filled">{formatNumber(o.filledQuantity)}</dd>
            <dt>Average price</dt>
            <dd>{formatMoney(o.averagePrice, o.currency)}</dd>
            <dt>Commission</dt>
            <dd>{formatMoney(o.commission, o.currency)}</dd>
            <dt>Broker</dt>
            <dd>{o.broker}</dd>
            {o.rejectReason && (<><dt>Reason</dt><dd>{o.rejectReason}</dd></>)}
          </dl>
          {open && (
            <OrderModifyForm
              id="modify-order"
              order={o}
              onClose={close}
              onReplaced={(replacement) => {
                setModifying(null);
                navigate(`/trade/orders/${replacement.id}`);
              }}
            />
          )}
        </Card>
        <Card title="Transitions">
          <ol className="space-y-1 text-sm" aria-label="Transitions">
            {o.transitions.map((t, i) => (
              <li key={i} className="flex justify-between gap-3">
                <span className="font-medium">{statusLabel(t.status)}{t.reason ? ` · ${t.reason}` : ''}</span>
                <time className="text-slate-500 dark:text-slate-400" dateTime={t.at}>{formatInstant(t.at)}</time>
              </li>
            ))}
          </ol>
          {o.fills.length > 0 && (
            <>
              <h3 className="mt-4 mb-1 text-sm font-semibold">Fills</h3>
              <ul className="space-y-1 text-sm tabular-nums">
                {o.fills.map((f) => (
                  <li key={f.id}>
                    {formatNumber(f.quantity)} × {formatMoney(f.price, o.currency)} · commission {formatMoney(f.commission, o.currency)} · {formatInstant(f.filledAt)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>
        <Card title="Audit trail" className="lg:col-span-2">
          {audit.isPending ? (
            <Loading />
          ) : audit.isError ? (
            <QueryProblem error={audit.error} what="Audit trail" />
          ) : (
            <>
              <p className={`mb-3 text-sm font-medium ${audit.data.verify.valid ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-700 dark:text-rose-400'}`} data-testid="audit-verify" role="status">
                {audit.data.verify.valid
                  ? `✓ Chain verified: ${audit.data.verify.entries} entries, each hash matches`
                  : `✗ The chain is broken at entry ${audit.data.verify.brokenAt ?? '?'}`}
              </p>
              <ol className="space-y-1 text-sm" aria-label="Audit entries of this order and the account's transfers">
                {entries.map((e) => (
                  <li key={e.seq} className="flex flex-wrap justify-between gap-2">
                    <span>
                      #{e.seq} <span className="font-medium">{e.kind.replace(/_/g, ' ')}</span>
                    </span>
                    <span className="font-mono text-xs text-slate-500 dark:text-slate-400" title={e.hash}>
                      {formatInstant(e.at)} · {e.hash.slice(0, 12)}…
                    </span>
                  </li>
                ))}
              </ol>
            </>
          )}
        </Card>
      </div>
    </>
  );
}
