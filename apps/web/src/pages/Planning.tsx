import type { OptimisationResult, ProjectionResult } from '@meridian/contracts';
import { useMutation, useQueries } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Scatter } from '../charts/Scatter';
import { XYChart, type Layer } from '../charts/XYChart';
import { Button, Card, EmptyState, ErrorNote, InfoTip, PageHeader, TextField } from '../components/ui';
import { portfolioPoint } from '../features/frontier';
import { api } from '../lib/api';
import { formatMoney, formatPercent, parseDecimalInput } from '../lib/format';
import { daysAgo, type PriceHistory } from '../lib/history';
import { useHoldings, useSummary } from '../lib/queries';

export default function Planning() {
  return (
    <>
      <PageHeader title="Planning" />
      <div className="grid gap-4 xl:grid-cols-2">
        <Projection />
        <Frontier />
      </div>
    </>
  );
}

function Projection() {
  const summary = useSummary();
  const currency = summary.data?.baseCurrency ?? 'USD';
  const [form, setForm] = useState({ currentValue: '', monthly: '500', years: '30', expectedReturn: '6', volatility: '15', inflation: '2' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const projection = useMutation({ mutationFn: (body: unknown) => api<ProjectionResult>('/computation/projections', { body }) });
  const start = form.currentValue || (summary.data ? String(Math.max(0, Number(summary.data.netWorth))) : '10000');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errs: Record<string, string> = {};
    const n = (key: keyof typeof form, value: string, label: string) => {
      const p = parseDecimalInput(value);
      if ('error' in p) errs[key] = `${label} ${p.error}.`;
      return 'value' in p ? Number(p.value) : 0;
    };
    const body = {
      currentValue: n('currentValue', start, 'Starting value'),
      monthlyContribution: n('monthly', form.monthly, 'Monthly contribution'),
      years: Math.round(n('years', form.years, 'Years')),
      returns: { kind: 'normal', expectedReturn: n('expectedReturn', form.expectedReturn, 'Expected return') / 100, volatility: n('volatility', form.volatility, 'Volatility') / 100 },
      inflation: n('inflation', form.inflation, 'Inflation') / 100,
      paths: 5000,
    };
    if (body.years < 1 || body.years > 100) errs.years = 'Years must be between 1 and 100.';
    setErrors(errs);
    if (Object.keys(errs).length === 0) projection.mutate(body);
  };

  const r = projection.data;
  const layers: Layer[] = r
    ? [
        { id: 'p5-95', label: '5th–95th percentile', kind: 'band', color: '#0d9488', quiet: true, points: r.years.map((y, i) => ({ x: y, y: r.bands.p95[i]!, y0: r.bands.p5[i]! })) },
        { id: 'p25-75', label: '25th–75th percentile', kind: 'band', color: '#0d9488', quiet: true, points: r.years.map((y, i) => ({ x: y, y: r.bands.p75[i]!, y0: r.bands.p25[i]! })) },
        { id: 'p95', label: '95th percentile', kind: 'line', color: '#5eead4', dashed: true, points: r.years.map((y, i) => ({ x: y, y: r.bands.p95[i]! })) },
        { id: 'p50', label: 'Median', kind: 'line', color: '#0f766e', points: r.years.map((y, i) => ({ x: y, y: r.bands.p50[i]! })) },
        { id: 'p5', label: '5th percentile', kind: 'line', color: '#f59e0b', dashed: true, points: r.years.map((y, i) => ({ x: y, y: r.bands.p5[i]! })) },
      ]
    : [];
  const field = (key: keyof typeof form, label: string, hint?: string) => (
    <TextField label={label} inputMode="decimal" value={key === 'currentValue' ? start : form[key]} error={errors[key]} hint={hint} onChange={(e) => setForm((f) => ({ ...f, [key]: e.target.value }))} />
  );
  return (
    <Card
      title={
        <span className="flex items-center">
          Monte Carlo projection
          <InfoTip label="the projection">
            5,000 simulated futures, month by month, with yearly returns drawn from a lognormal distribution of the expected return and volatility you give,
            contributions at each month end, all in today&apos;s money (after inflation). The bands show where the middle 50 % and 90 % of outcomes end each
            year. It is a range of possibilities, not a forecast.
          </InfoTip>
        </span>
      }
    >
      <form className="grid gap-3 sm:grid-cols-3" onSubmit={submit} noValidate>
        {field('currentValue', `Starting value (${currency})`)}
        {field('monthly', 'Monthly contribution')}
        {field('years', 'Years')}
        {field('expectedReturn', 'Expected return (% a year)')}
        {field('volatility', 'Volatility (% a year)')}
        {field('inflation', 'Inflation (% a year)')}
        <div className="sm:col-span-3">
          <Button type="submit" busy={projection.isPending}>
            Project
          </Button>
        </div>
      </form>
      <div className="mt-3">
        <ErrorNote error={projection.error} title="The projection could not run" />
      </div>
      {r && (
        <div className="mt-4">
          <p className="mb-2 text-sm">
            Median after {r.years[r.years.length - 1]} years: <strong>{formatMoney(r.bands.p50[r.bands.p50.length - 1] ?? null, currency)}</strong> (today&apos;s money); 90 % of
            paths end between {formatMoney(r.bands.p5[r.bands.p5.length - 1] ?? null, currency, { compact: true })} and {formatMoney(r.bands.p95[r.bands.p95.length - 1] ?? null, currency, { compact: true })}.
          </p>
          <XYChart
            testId="fan-chart"
            layers={layers}
            time={false}
            formatY={(v) => formatMoney(v, currency, { compact: true })}
            formatX={(x) => `Year ${Math.round(x)}`}
            description={`Projection fan chart over ${r.years.length - 1} years`}
          />
        </div>
      )}
    </Card>
  );
}

const MIN_CLOSES = 60;

function Frontier() {
  const holdings = useHoldings();
  const list = (holdings.data?.holdings ?? []).filter((h) => Number(h.value) > 0).slice(0, 20);
  const histories = useQueries({
    queries: list.map((h) => ({
      queryKey: ['valuation', 'history', h.symbol, 3 * 365],
      queryFn: () => api<PriceHistory>(`/valuation/instruments/${encodeURIComponent(h.symbol)}/history`, { query: { from: daysAgo(3 * 365) } }),
      staleTime: 10 * 60_000,
    })),
  });
  const ready = histories.length > 0 && histories.every((q) => q.isSuccess);
  const optimisation = useMutation({ mutationFn: (body: unknown) => api<OptimisationResult>('/computation/optimisations', { body }) });

  if (holdings.isError || list.length < 2) {
    return (
      <Card title="Efficient frontier">
        <EmptyState title="Needs at least two holdings">The frontier shows the best return for each level of risk that a mix of your holdings could have had.</EmptyState>
      </Card>
    );
  }
  const all = list.map((h, i) => ({ symbol: h.symbol, weight: h.weight, prices: (histories[i]?.data?.prices ?? []).map((p) => Number(p.close)) }));
  // Daily statistics need daily prices: leave out what is priced rarely (a flat valued by hand).
  const assets = all.filter((a) => a.prices.length >= MIN_CLOSES);
  const leftOut = ready ? all.filter((a) => a.prices.length < MIN_CLOSES).map((a) => a.symbol) : [];
  const current = ready ? portfolioPoint(assets) : null;
  const run = () => optimisation.mutate({ assets: assets.map((a) => ({ symbol: a.symbol, prices: alignTail(assets, a.prices) })), shrinkage: 'none', frontierPoints: 25 });
  const r = optimisation.data;
  return (
    <Card
      title={
        <span className="flex items-center">
          Efficient frontier
          <InfoTip label="the frontier">
            From three years of daily closes of your holdings: annualised mean returns and covariances (sample estimates, no shrinkage), then the long-only mixes
            with the least volatility for each target return. Expected returns from history are noisy: treat the curve as a sketch, not a promise. The dot
            marks your current weights measured the same way.
          </InfoTip>
        </span>
      }
    >
      <Button onClick={run} busy={optimisation.isPending} disabled={!ready || assets.length < 2}>
        {ready ? 'Compute the frontier' : 'Loading price history…'}
      </Button>
      {leftOut.length > 0 && (
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          Left out, with fewer than {MIN_CLOSES} daily closes: {leftOut.join(', ')}.
        </p>
      )}
      <div className="mt-3">
        <ErrorNote error={optimisation.error ?? histories.find((q) => q.isError)?.error} title="The frontier could not be computed" />
      </div>
      {r && (
        <div className="mt-3" data-testid="frontier">
          <Scatter
            description="Efficient frontier with your portfolio, the minimum-variance and the maximum-Sharpe portfolios"
            frontier={r.frontier.map((p) => ({ x: p.volatility, y: p.expectedReturn }))}
            formatX={(v) => formatPercent(v, { digits: 0 })}
            formatY={(v) => formatPercent(v, { digits: 0 })}
            points={[
              ...(current ? [{ x: current.volatility, y: current.expectedReturn, label: 'You', color: '#e11d48', r: 7 }] : []),
              { x: r.minimumVariance.volatility, y: r.minimumVariance.expectedReturn, label: 'Min variance', color: '#6366f1' },
              { x: r.maximumSharpe.volatility, y: r.maximumSharpe.expectedReturn, label: 'Max Sharpe', color: '#f59e0b' },
            ]}
          />
          <p className="mt-2 text-sm">
            Maximum-Sharpe mix: {r.maximumSharpe.weights.filter((w) => w.weight > 0.005).map((w) => `${w.symbol} ${formatPercent(w.weight, { digits: 0 })}`).join(', ')}
          </p>
        </div>
      )}
    </Card>
  );
}

/** The optimiser needs equally long series: keep each asset's last n closes, n = the shortest history. */
function alignTail(assets: Array<{ prices: number[] }>, prices: number[]): number[] {
  const n = Math.min(...assets.map((a) => a.prices.length));
  return prices.slice(prices.length - n);
}
