import { useMemo } from 'react';
import { XYChart, type Layer, type Marker } from '../charts/XYChart';
import { dayToX, num } from '../charts/scales';
import { LOSS } from '../charts/palette';
import { Card, Loading, PageHeader, PriceBadges, QueryProblem } from '../components/ui';
import { formatDay, formatMoney, formatNumber, formatPercent, gainClass } from '../lib/format';
import { useAccounts, useHolding } from '../lib/queries';
import { Link } from '../lib/router';

const BUY_COLOR = '#4f46e5';

export default function Holding({ params }: { params: Record<string, string> }) {
  const symbol = params.symbol ?? '';
  const holding = useHolding(symbol);
  const accounts = useAccounts(true);
  const names = new Map((accounts.data ?? []).map((a) => [a.id, a.name]));
  const h = holding.data;
  const currency = h?.baseCurrency ?? h?.currency ?? 'USD';

  const { layers, markers } = useMemo(() => {
    if (!h) return { layers: [] as Layer[], markers: [] as Marker[] };
    const points = h.series.filter((p) => p.price !== null).map((p) => ({ x: dayToX(p.date), y: num(p.price) }));
    const ms: Marker[] = h.activities
      .filter((a) => a.type === 'BUY' || a.type === 'SELL')
      .map((a) => ({
        x: dayToX(a.date),
        y: num(a.unitPrice),
        label: `${a.type === 'BUY' ? 'Bought' : 'Sold'} ${formatNumber(a.quantity)} at ${formatMoney(a.unitPrice, h.currency)} on ${formatDay(a.date)}`,
        color: a.type === 'BUY' ? BUY_COLOR : LOSS,
        shape: a.type === 'BUY' ? ('up' as const) : ('down' as const),
      }))
      .filter((m) => Number.isFinite(m.y));
    return { layers: [{ id: 'price', label: `${h.symbol} price`, kind: 'line' as const, color: '#0d9488', points }], markers: ms };
  }, [h]);

  return (
    <>
      <PageHeader title={h?.name ? `${symbol} · ${h.name}` : symbol}>
        <Link to="/holdings" className="text-sm underline">
          All holdings
        </Link>
      </PageHeader>
      {holding.isPending ? (
        <Loading />
      ) : holding.isError ? (
        <QueryProblem error={holding.error} what="Holding details" />
      ) : (
        h && (
          <div className="grid gap-4 xl:grid-cols-3">
            <Card title="Price" className="xl:col-span-2">
              <p className="mb-2 text-sm">
                Last {formatMoney(h.price, h.currency)} on {formatDay(h.priceDate)} <PriceBadges holding={h} /> · <span style={{ color: BUY_COLOR }}>▲ buys</span>, <span className="text-rose-600">▼ sells</span>
              </p>
              {layers[0] && layers[0].points.length > 0 ? (
                <XYChart
                  layers={layers}
                  markers={markers}
                  formatY={(v) => formatMoney(v, h.currency, { compact: true })}
                  formatX={(x) => formatDay(new Date(x).toISOString().slice(0, 10), { style: 'short' })}
                  description={`${symbol} daily price with ${markers.length} trades marked`}
                />
              ) : (
                <p className="text-sm text-slate-600">No price history yet.</p>
              )}
            </Card>
            <Card title="Position">
              <dl className="grid grid-cols-2 gap-2 text-sm">
                <dt>Quantity</dt>
                <dd className="text-right tabular-nums">{formatNumber(h.quantity)}</dd>
                <dt>Value</dt>
                <dd className="text-right tabular-nums">{formatMoney(h.value, currency)}</dd>
                {h.weight !== undefined && (
                  <>
                    <dt>Weight</dt>
                    <dd className="text-right tabular-nums">{formatPercent(h.weight)}</dd>
                  </>
                )}
                <dt>Cost</dt>
                <dd className="text-right tabular-nums">{formatMoney(h.costBasis, currency)}</dd>
                <dt>Unrealised</dt>
                <dd className={`text-right tabular-nums ${gainClass(h.unrealizedGain)}`}>{formatMoney(h.unrealizedGain, currency, { signed: true })}</dd>
                <dt>Realised</dt>
                <dd className={`text-right tabular-nums ${gainClass(h.realizedGain)}`}>{formatMoney(h.realizedGain, currency, { signed: true })}</dd>
                <dt>Income</dt>
                <dd className="text-right tabular-nums">{formatMoney(h.income, currency)}</dd>
              </dl>
            </Card>
            <Card title="Lots" className="xl:col-span-3">
              {h.lots.length === 0 ? (
                <p className="text-sm">No open lots.</p>
              ) : (
                <div className="overflow-x-auto">
                  <table className="w-full text-sm">
                    <thead>
                      <tr className="text-left">
                        <th scope="col" className="p-1">Bought on</th>
                        <th scope="col" className="p-1">Account</th>
                        <th scope="col" className="p-1 text-right">Quantity</th>
                        <th scope="col" className="p-1 text-right">Cost</th>
                        <th scope="col" className="p-1 text-right">Cost per unit</th>
                      </tr>
                    </thead>
                    <tbody>
                      {h.lots.map((l, i) => (
                        <tr key={i} className="border-t border-slate-100 dark:border-slate-800">
                          <td className="p-1">{formatDay(l.acquired)}</td>
                          <td className="p-1">{names.get(l.accountId) ?? '—'}</td>
                          <td className="p-1 text-right tabular-nums">{formatNumber(l.quantity)}</td>
                          <td className="p-1 text-right tabular-nums">{formatMoney(l.costBasis, currency)}</td>
                          <td className="p-1 text-right tabular-nums">{formatMoney(Number(l.costBasis) / Number(l.quantity), currency)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Card>
          </div>
        )
      )}
    </>
  );
}
