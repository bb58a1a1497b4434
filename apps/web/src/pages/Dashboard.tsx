import { useState } from 'react';
import { ActivityRows } from '../components/ActivityList';
import { AllocationCard } from '../components/AllocationCard';
import { PriceNotice } from '../components/PriceNotice';
import { RangePicker } from '../components/RangePicker';
import { Button, Card, EmptyState, ErrorNote, Loading, PageHeader, QueryProblem, Skeleton } from '../components/ui';
import { ValueChart } from '../components/ValueChart';
import { formatMoney, formatPercent, gainClass } from '../lib/format';
import { useAccounts, useActivities, useHoldings, usePerformance, useSummary } from '../lib/queries';
import { Link, navigate, setSearchParams, useLocation } from '../lib/router';
import type { Range } from '../lib/types';

export default function Dashboard() {
  const accounts = useAccounts();
  const summary = useSummary();
  const { search } = useLocation();
  const range = (search.get('range') as Range | null) ?? '1Y';
  const performance = usePerformance(range);

  if (accounts.isSuccess && accounts.data.length === 0) {
    return (
      <>
        <PageHeader title="Dashboard" />
        <EmptyState
          title="Welcome to Meridian"
          action={<Button onClick={() => navigate('/accounts?new=1')}>Create your first account</Button>}
        >
          Start with an account (a brokerage, a bank, a wallet), then record what you bought or import a broker&apos;s CSV.
        </EmptyState>
      </>
    );
  }

  const s = summary.data;
  const currency = s?.baseCurrency ?? 'USD';
  return (
    <>
      <PageHeader title="Dashboard">
        <Button variant="secondary" onClick={() => navigate('/activities?new=1')}>
          Add activity
        </Button>
      </PageHeader>
      <PriceNotice prices={s?.prices} />
      {summary.isError && <QueryProblem error={summary.error} what="Portfolio figures" />}
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Figure label="Net worth" testId="net-worth" value={s ? formatMoney(s.netWorth, currency) : undefined} loading={summary.isPending}>
          {s && (
            <span className={gainClass(s.dayChange)} data-testid="day-change">
              {formatMoney(s.dayChange, currency, { signed: true })} ({formatPercent(s.dayChangePct, { signed: true })}) today
            </span>
          )}
        </Figure>
        <Figure label="Net contributions" value={s ? formatMoney(s.netContribution, currency) : undefined} loading={summary.isPending} />
        <Figure label="Unrealised gain" value={s ? formatMoney(s.unrealizedGain, currency, { signed: true }) : undefined} loading={summary.isPending} tone={s?.unrealizedGain} />
        <Figure label="Realised gain and income" value={s ? formatMoney(Number(s.realizedGain) + Number(s.income), currency, { signed: true }) : undefined} loading={summary.isPending}>
          {s && (
            <span className="text-slate-500 dark:text-slate-400">
              realised {formatMoney(s.realizedGain, currency)} · income {formatMoney(s.income, currency)}
            </span>
          )}
        </Figure>
      </div>
      {s?.diagnostics.length ? (
        <ul className="mt-4 space-y-1 text-sm">
          {s.diagnostics.map((d, i) => (
            <li key={i} className={d.severity === 'error' ? 'text-rose-700 dark:text-rose-400' : 'text-amber-800 dark:text-amber-300'}>
              {d.message}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="mt-4 grid gap-4 xl:grid-cols-3">
        <Card title="Value and net contributions" className="xl:col-span-2" actions={<RangePicker value={range} onChange={(r) => setSearchParams({ range: r })} />}>
          {performance.isPending ? (
            <Skeleton className="h-64" />
          ) : performance.isError ? (
            <QueryProblem error={performance.error} what="Performance figures" />
          ) : (
            <>
              <p className="mb-2 text-sm">
                Gain in this range:{' '}
                <span className={gainClass(performance.data.absoluteGain)}>{formatMoney(performance.data.absoluteGain, currency, { signed: true })}</span> · time-weighted return{' '}
                <span className={gainClass(performance.data.twr)}>{formatPercent(performance.data.twr, { signed: true })}</span>
              </p>
              <ValueChart data={performance.data} currency={currency} />
            </>
          )}
        </Card>
        <AllocationCard />
        <TopMovers currency={currency} />
        <RecentActivity />
      </div>
    </>
  );
}

function Figure({ label, value, loading, children, tone, testId }: { label: string; value: string | undefined; loading: boolean; children?: React.ReactNode; tone?: string | undefined; testId?: string }) {
  return (
    <Card>
      <p className="text-sm text-slate-600 dark:text-slate-400">{label}</p>
      {loading ? <Skeleton className="mt-2 h-8 w-40" /> : <p className={`mt-1 text-2xl font-semibold tabular-nums ${gainClass(tone)}`} data-testid={testId}>{value ?? '—'}</p>}
      {children && <p className="mt-1 text-sm">{children}</p>}
    </Card>
  );
}

function TopMovers({ currency }: { currency: string }) {
  const holdings = useHoldings();
  const [by, setBy] = useState<'amount' | 'weight'>('amount');
  const movers = (holdings.data?.holdings ?? [])
    .filter((h) => h.dayChange !== null && Number(h.dayChange) !== 0)
    .sort((a, b) => (by === 'amount' ? Math.abs(Number(b.dayChange)) - Math.abs(Number(a.dayChange)) : b.weight - a.weight))
    .slice(0, 6);
  return (
    <Card
      title="Top movers today"
      actions={
        <select aria-label="Order movers by" className="rounded border border-slate-300 bg-transparent px-2 py-1 text-xs dark:border-slate-600" value={by} onChange={(e) => setBy(e.target.value as 'amount' | 'weight')}>
          <option value="amount">by change</option>
          <option value="weight">by weight</option>
        </select>
      }
    >
      {holdings.isPending ? (
        <Loading />
      ) : holdings.isError ? (
        <QueryProblem error={holdings.error} what="Holdings" />
      ) : movers.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">Nothing moved today (markets may be closed).</p>
      ) : (
        <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
          {movers.map((h) => (
            <li key={h.symbol} className="flex justify-between py-2">
              <Link to={`/holdings/${encodeURIComponent(h.symbol)}`} className="font-medium underline-offset-2 hover:underline">
                {h.symbol}
              </Link>
              <span className={`tabular-nums ${gainClass(h.dayChange)}`}>{formatMoney(h.dayChange, currency, { signed: true })}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function RecentActivity() {
  const activities = useActivities({});
  const accounts = useAccounts();
  const items = activities.data?.pages[0]?.items.slice(0, 8) ?? [];
  return (
    <Card title="Recent activity" className="xl:col-span-2" actions={<Link to="/activities" className="text-sm text-brand-700 underline dark:text-brand-500">All activities</Link>}>
      {activities.isPending ? (
        <Loading />
      ) : activities.isError ? (
        <ErrorNote error={activities.error} />
      ) : items.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No activities yet. Record a buy or import a CSV from your broker.</p>
      ) : (
        <ActivityRows items={items} accounts={accounts.data} />
      )}
    </Card>
  );
}
