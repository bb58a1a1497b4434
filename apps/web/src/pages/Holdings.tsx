import { useMemo, useState } from 'react';
import { Sparkline } from '../charts/Sparkline';
import { PriceNotice } from '../components/PriceNotice';
import { Card, EmptyState, Loading, PageHeader, PriceBadges, QueryProblem, SelectField, TextField } from '../components/ui';
import { formatMoney, formatNumber, formatPercent, gainClass } from '../lib/format';
import { usePriceHistory } from '../lib/history';
import { useAccounts, useHoldings, useSummary } from '../lib/queries';
import { Link, setSearchParams, useLocation } from '../lib/router';
import type { Holding } from '../lib/types';

type SortKey = 'symbol' | 'value' | 'weight' | 'costBasis' | 'unrealizedGain' | 'realizedGain' | 'income' | 'dayChange';
const COLUMNS: Array<[SortKey, string]> = [
  ['symbol', 'Holding'],
  ['value', 'Value'],
  ['weight', 'Weight'],
  ['costBasis', 'Cost'],
  ['unrealizedGain', 'Unrealised'],
  ['realizedGain', 'Realised'],
  ['income', 'Income'],
  ['dayChange', 'Today'],
];

/** Sorts holdings by a column; numbers compare as numbers, text by locale. */
export function sortHoldings(list: Holding[], key: SortKey, dir: 'asc' | 'desc'): Holding[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => {
    if (key === 'symbol') return sign * a.symbol.localeCompare(b.symbol);
    const av = key === 'weight' ? a.weight : Number(a[key] ?? 0);
    const bv = key === 'weight' ? b.weight : Number(b[key] ?? 0);
    return sign * (av - bv);
  });
}

export default function Holdings() {
  const { search } = useLocation();
  const accountId = search.get('accountId') ?? undefined;
  const holdings = useHoldings(accountId);
  const summary = useSummary();
  const accounts = useAccounts();
  const [sort, setSort] = useState<{ key: SortKey; dir: 'asc' | 'desc' }>({ key: 'value', dir: 'desc' });
  const [filter, setFilter] = useState('');
  const [assetClass, setAssetClass] = useState('');
  const currency = holdings.data?.baseCurrency ?? 'USD';
  const classes = [...new Set((holdings.data?.holdings ?? []).map((h) => h.assetClass ?? 'Unknown'))];
  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const list = (holdings.data?.holdings ?? []).filter(
      (h) => (!f || h.symbol.toLowerCase().includes(f) || (h.name ?? '').toLowerCase().includes(f)) && (!assetClass || (h.assetClass ?? 'Unknown') === assetClass),
    );
    return sortHoldings(list, sort.key, sort.dir);
  }, [holdings.data, filter, assetClass, sort]);

  const toggle = (key: SortKey) => setSort((s) => ({ key, dir: s.key === key && s.dir === 'desc' ? 'asc' : 'desc' }));

  return (
    <>
      <PageHeader title="Holdings" />
      <PriceNotice prices={summary.data?.prices} />
      <Card className="mb-4">
        <div className="grid gap-3 sm:grid-cols-3">
          <TextField label="Filter" placeholder="Symbol or name" value={filter} onChange={(e) => setFilter(e.target.value)} />
          <SelectField label="Asset class" value={assetClass} onChange={(e) => setAssetClass(e.target.value)}>
            <option value="">All</option>
            {classes.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </SelectField>
          <SelectField label="Account" value={accountId ?? ''} onChange={(e) => setSearchParams({ accountId: e.target.value || undefined })}>
            <option value="">All accounts</option>
            {accounts.data?.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </SelectField>
        </div>
      </Card>
      <Card>
        {holdings.isPending ? (
          <Loading />
        ) : holdings.isError ? (
          <QueryProblem error={holdings.error} what="Holdings" />
        ) : holdings.data.holdings.length === 0 ? (
          <EmptyState title="You hold nothing yet">
            Record a buy on the <Link to="/activities?new=1" className="underline">Activities</Link> page, or import a CSV.
          </EmptyState>
        ) : (
          <>
          <ul className="divide-y divide-slate-200 md:hidden dark:divide-slate-800" aria-label="Holdings">
            {rows.map((h) => (
              <li key={h.symbol} className="flex items-start justify-between gap-3 py-3 text-sm" data-testid="holding-item">
                <div className="min-w-0">
                  <Link to={`/holdings/${encodeURIComponent(h.symbol)}`} className="font-medium underline-offset-2 hover:underline">
                    {h.symbol}
                  </Link>
                  <PriceBadges holding={h} />
                  <p className="truncate text-xs text-slate-500 dark:text-slate-400">{h.name}</p>
                  <p className="text-xs text-slate-500 dark:text-slate-400">
                    {formatNumber(h.quantity)} × {formatMoney(h.price, h.currency)} · {formatPercent(h.weight, { digits: 1 })}
                  </p>
                </div>
                <div className="shrink-0 text-right tabular-nums">
                  <p className="font-medium">{formatMoney(h.value, currency)}</p>
                  <p className={gainClass(h.unrealizedGain)}>{formatMoney(h.unrealizedGain, currency, { signed: true })}</p>
                  <p className={`text-xs ${gainClass(h.dayChange)}`}>{formatMoney(h.dayChange, currency, { signed: true })} today</p>
                </div>
              </li>
            ))}
            <li className="flex justify-between py-3 text-sm font-semibold">
              <span>Total (with cash)</span>
              <span className="tabular-nums">{formatMoney(holdings.data.total.value, currency)}</span>
            </li>
          </ul>
          <div className="hidden overflow-x-auto md:block">
            <table className="w-full min-w-[860px] text-sm" data-testid="holdings-table">
              <caption className="sr-only">Holdings, sortable by column</caption>
              <thead>
                <tr className="border-b border-slate-200 text-left dark:border-slate-700">
                  {COLUMNS.map(([key, label]) => (
                    <th key={key} scope="col" className={`p-2 ${key === 'symbol' ? '' : 'text-right'}`} aria-sort={sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                      <button type="button" className="font-semibold" onClick={() => toggle(key)}>
                        {label}
                        {sort.key === key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                      </button>
                    </th>
                  ))}
                  <th scope="col" className="p-2 text-right">30 days</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((h) => (
                  <tr key={h.symbol} className="border-b border-slate-100 dark:border-slate-800" data-testid="holding-row">
                    <td className="p-2">
                      <Link to={`/holdings/${encodeURIComponent(h.symbol)}`} className="font-medium underline-offset-2 hover:underline">
                        {h.symbol}
                      </Link>
                      <PriceBadges holding={h} />
                      <p className="text-xs text-slate-500 dark:text-slate-400">
                        {formatNumber(h.quantity)} × {formatMoney(h.price, h.currency)} {h.name ? `· ${h.name}` : ''}
                      </p>
                    </td>
                    <td className="p-2 text-right tabular-nums" data-testid="holding-value">{formatMoney(h.value, currency)}</td>
                    <td className="p-2 text-right tabular-nums">{formatPercent(h.weight, { digits: 1 })}</td>
                    <td className="p-2 text-right tabular-nums">{formatMoney(h.costBasis, currency)}</td>
                    <td className={`p-2 text-right tabular-nums ${gainClass(h.unrealizedGain)}`}>{formatMoney(h.unrealizedGain, currency, { signed: true })}</td>
                    <td className={`p-2 text-right tabular-nums ${gainClass(h.realizedGain)}`} data-testid="holding-realized">{formatMoney(h.realizedGain, currency, { signed: true })}</td>
                    <td className="p-2 text-right tabular-nums">{formatMoney(h.income, currency)}</td>
                    <td className={`p-2 text-right tabular-nums ${gainClass(h.dayChange)}`}>{formatMoney(h.dayChange, currency, { signed: true })}</td>
                    <td className="p-2 text-right">
                      <HoldingSpark symbol={h.symbol} />
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr className="font-semibold">
                  <td className="p-2">Total (with cash)</td>
                  <td className="p-2 text-right tabular-nums">{formatMoney(holdings.data.total.value, currency)}</td>
                  <td colSpan={7} />
                </tr>
              </tfoot>
            </table>
          </div>
          </>
        )}
      </Card>
    </>
  );
}

function HoldingSpark({ symbol }: { symbol: string }) {
  const history = usePriceHistory(symbol, 30);
  if (!history.data) return <span className="text-xs text-slate-400">…</span>;
  return <Sparkline values={history.data.prices.map((p) => Number(p.close))} label={`${symbol} over 30 days`} />;
}
