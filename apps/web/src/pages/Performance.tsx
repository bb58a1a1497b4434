import { useMemo, useState } from 'react';
import { dayToX } from '../charts/scales';
import { Waterfall } from '../charts/Waterfall';
import { XYChart } from '../charts/XYChart';
import { RangePicker } from '../components/RangePicker';
import { Card, InfoTip, Loading, PageHeader, QueryProblem, TextField } from '../components/ui';
import { formatDay, formatMoney, formatPercent, gainClass } from '../lib/format';
import { useAttribution, useBenchmark, usePerformance, useRisk, useSummary, useYears } from '../lib/queries';
import { setSearchParams, useLocation } from '../lib/router';
import type { Range } from '../lib/types';

const shortDay = (x: number) => formatDay(new Date(x).toISOString().slice(0, 10), { style: 'short' });

export default function Performance() {
  const { search } = useLocation();
  const range = (search.get('range') as Range | null) ?? '1Y';
  const [benchmarkInput, setBenchmarkInput] = useState(search.get('benchmark') ?? 'SPY');
  const benchmarkSymbol = (search.get('benchmark') ?? 'SPY').toUpperCase();
  const perf = usePerformance(range);
  const summary = useSummary();
  const currency = summary.data?.baseCurrency ?? 'USD';
  const p = perf.data;

  return (
    <>
      <PageHeader title="Performance">
        <RangePicker value={range} onChange={(r) => setSearchParams({ range: r })} />
      </PageHeader>
      {perf.isPending ? (
        <Loading />
      ) : perf.isError ? (
        <QueryProblem error={perf.error} what="Performance figures" />
      ) : (
        p && (
          <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
            <Stat label="Time-weighted return" value={formatPercent(p.twr, { signed: true })} tone={p.twr} sub={p.annualised ? `${formatPercent(p.annualised.twr, { signed: true })} a year` : undefined}>
              <InfoTip label="time-weighted return">
                Chains the daily returns of the portfolio, each day&apos;s gain divided by the value at its start, so deposits and withdrawals do not count as
                performance. It measures the investments, not your timing. Inputs: daily values and the day&apos;s net flows from {formatDay(p.from)} to {formatDay(p.to)}.
              </InfoTip>
            </Stat>
            <Stat label="Money-weighted return (XIRR)" value={formatPercent(p.mwr, { signed: true })} tone={p.mwr} sub={p.annualised ? `${formatPercent(p.annualised.mwr, { signed: true })} a year` : undefined}>
              <InfoTip label="the money-weighted return">
                The internal rate of return of your cash flows (XIRR): the single rate that makes the starting value, every deposit and withdrawal on its date, and
                the ending value balance out. Unlike TWR it rewards or punishes the timing of your contributions.
              </InfoTip>
            </Stat>
            <Stat label="Modified Dietz" value={formatPercent(p.modifiedDietz, { signed: true })} tone={p.modifiedDietz}>
              <InfoTip label="the Modified Dietz return">
                (End value − start value − net flows) ÷ (start value + flows weighted by the share of the period they were invested). A quick approximation of the
                money-weighted return that needs no iteration.
              </InfoTip>
            </Stat>
            <Stat label="Gain in range" value={formatMoney(p.absoluteGain, currency, { signed: true })} tone={p.absoluteGain}>
              <InfoTip label="the gain">End value minus start value minus net contributions in the range, in {currency}.</InfoTip>
            </Stat>
          </div>
        )
      )}
      <div className="mt-4 grid gap-4 xl:grid-cols-2">
        <Card
          title="Portfolio against a benchmark"
          actions={
            <form
              className="flex items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                setSearchParams({ benchmark: benchmarkInput.trim().toUpperCase() || undefined });
              }}
            >
              <TextField label="Benchmark symbol" value={benchmarkInput} onChange={(e) => setBenchmarkInput(e.target.value)} className="w-36" />
            </form>
          }
        >
          <BenchmarkChart symbol={benchmarkSymbol} range={range} />
        </Card>
        <AttributionCard range={range} currency={currency} />
        <RiskCard range={range} benchmark={benchmarkSymbol} />
        <YearsCard currency={currency} />
      </div>
    </>
  );
}

function Stat({ label, value, sub, tone, children }: { label: string; value: string; sub?: string | undefined; tone?: number | string | null; children?: React.ReactNode }) {
  return (
    <Card>
      <p className="flex items-center text-sm text-slate-600 dark:text-slate-400">
        {label}
        {children}
      </p>
      <p className={`mt-1 text-2xl font-semibold tabular-nums ${gainClass(tone ?? null)}`}>{value}</p>
      {sub && <p className="text-sm text-slate-500">{sub}</p>}
    </Card>
  );
}

function BenchmarkChart({ symbol, range }: { symbol: string; range: string }) {
  const bench = useBenchmark(symbol, range);
  const layers = useMemo(
    () =>
      bench.data
        ? [
            { id: 'p', label: 'Portfolio', kind: 'line' as const, color: '#0d9488', points: bench.data.series.map((s) => ({ x: dayToX(s.date), y: s.portfolio - 1 })) },
            { id: 'b', label: symbol, kind: 'line' as const, color: '#f59e0b', dashed: true, points: bench.data.series.map((s) => ({ x: dayToX(s.date), y: s.benchmark - 1 })) },
          ]
        : [],
    [bench.data, symbol],
  );
  if (bench.isPending) return <Loading />;
  if (bench.isError) return <QueryProblem error={bench.error} what="Benchmark figures" />;
  return (
    <>
      <p className="mb-2 text-sm">
        Portfolio <span className={gainClass(bench.data.portfolioReturn)}>{formatPercent(bench.data.portfolioReturn, { signed: true })}</span> · {symbol}{' '}
        <span className={gainClass(bench.data.benchmarkReturn)}>{formatPercent(bench.data.benchmarkReturn, { signed: true })}</span>
        <InfoTip label="the comparison">Both lines are growth indices starting at 0 %: the portfolio&apos;s time-weighted return and the benchmark&apos;s price return over the same days.</InfoTip>
      </p>
      <XYChart layers={layers} includeZero formatY={(v) => formatPercent(v, { digits: 0 })} formatX={shortDay} description={`Portfolio against ${symbol}`} />
    </>
  );
}

function AttributionCard({ range, currency }: { range: string; currency: string }) {
  const attribution = useAttribution(range);
  const a = attribution.data;
  return (
    <Card
      title={
        <span className="flex items-center">
          Where the gain came from
          <InfoTip label="attribution">
            The change in value not explained by your contributions, split into price moves of the holdings, income (dividends, interest), currency moves
            against {currency}, less fees and taxes: price + income + currency − fees − taxes = total.
          </InfoTip>
        </span>
      }
    >
      {attribution.isPending ? (
        <Loading />
      ) : attribution.isError ? (
        <QueryProblem error={attribution.error} what="Attribution" />
      ) : (
        a && (
          <Waterfall
            totalDisplay={formatMoney(a.total, currency, { compact: true })}
            steps={(['price', 'income', 'currency', 'fees', 'taxes'] as const).map((k) => {
              // Fees and taxes come as costs (positive numbers) that the total subtracts.
              const value = k === 'fees' || k === 'taxes' ? -Number(a[k]) : Number(a[k]);
              return { label: k[0]!.toUpperCase() + k.slice(1), value, display: formatMoney(value, currency, { compact: true, signed: true }) };
            })}
          />
        )
      )}
    </Card>
  );
}

function RiskCard({ range, benchmark }: { range: string; benchmark: string }) {
  const risk = useRisk(range, benchmark);
  const r = risk.data;
  const layers = useMemo(
    () => (r ? [{ id: 'dd', label: 'Drawdown', kind: 'area' as const, color: '#e11d48', points: r.drawdown.map((d) => ({ x: dayToX(d.date), y: d.drawdown })) }] : []),
    [r],
  );
  const figure = (label: string, value: string, tip: string) => (
    <div>
      <dt className="flex items-center text-slate-600 dark:text-slate-400">
        {label}
        <InfoTip label={label}>{tip}</InfoTip>
      </dt>
      <dd className="text-lg font-semibold tabular-nums">{value}</dd>
    </div>
  );
  return (
    <Card title="Risk and drawdown">
      {risk.isPending ? (
        <Loading />
      ) : risk.isError ? (
        <QueryProblem error={risk.error} what="Risk figures" />
      ) : (
        r && (
          <>
            <dl className="mb-3 grid grid-cols-2 gap-3 text-sm sm:grid-cols-3">
              {figure('Volatility', formatPercent(r.volatility), 'Standard deviation of daily time-weighted returns, annualised with √252.')}
              {figure('Sharpe ratio', r.sharpe?.toFixed(2) ?? '—', 'Annualised return above the risk-free rate divided by annualised volatility.')}
              {figure('Sortino ratio', r.sortino?.toFixed(2) ?? '—', 'Like Sharpe, but divides by the volatility of losing days only.')}
              {figure('Max drawdown', formatPercent(r.maxDrawdown ? -Math.abs(r.maxDrawdown.depth) : null), `Deepest fall from a peak to a later trough${r.maxDrawdown?.peak ? ` (peak ${formatDay(r.maxDrawdown.peak)}, trough ${formatDay(r.maxDrawdown.trough)}${r.maxDrawdown.recovered ? `, recovered ${formatDay(r.maxDrawdown.recovered)}` : ', not recovered yet'})` : ''}.`)}
              {figure('Beta', r.beta?.toFixed(2) ?? '—', `Sensitivity of daily returns to ${benchmark}: covariance with the benchmark divided by its variance.`)}
              {figure('Correlation', r.correlation?.toFixed(2) ?? '—', `Correlation of daily returns with ${benchmark}, from −1 to 1.`)}
            </dl>
            {r.drawdown.length > 0 && (
              <XYChart layers={layers} includeZero height={180} formatY={(v) => formatPercent(v, { digits: 0 })} formatX={shortDay} description="Drawdown from the running peak" />
            )}
          </>
        )
      )}
    </Card>
  );
}

function YearsCard({ currency }: { currency: string }) {
  const years = useYears();
  return (
    <Card title="Calendar-year returns">
      {years.isPending ? (
        <Loading />
      ) : years.isError ? (
        <QueryProblem error={years.error} what="Yearly returns" />
      ) : years.data.years.length === 0 ? (
        <p className="text-sm">No complete history yet.</p>
      ) : (
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left">
              <th scope="col" className="p-1">Year</th>
              <th scope="col" className="p-1 text-right">Time-weighted</th>
              <th scope="col" className="p-1 text-right">Money-weighted</th>
              <th scope="col" className="p-1 text-right">Gain</th>
            </tr>
          </thead>
          <tbody>
            {years.data.years.map((y) => (
              <tr key={y.year} className="border-t border-slate-100 dark:border-slate-800">
                <td className="p-1">{y.year}</td>
                <td className={`p-1 text-right tabular-nums ${gainClass(y.twr)}`}>{formatPercent(y.twr, { signed: true })}</td>
                <td className={`p-1 text-right tabular-nums ${gainClass(y.mwr)}`}>{formatPercent(y.mwr, { signed: true })}</td>
                <td className={`p-1 text-right tabular-nums ${gainClass(y.absoluteGain)}`}>{formatMoney(y.absoluteGain, currency, { signed: true })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
