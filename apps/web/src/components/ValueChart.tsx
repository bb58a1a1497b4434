import { useMemo } from 'react';
import { XYChart, type Layer } from '../charts/XYChart';
import { dayToX, num } from '../charts/scales';
import { formatDay, formatMoney } from '../lib/format';
import type { PerformanceResponse } from '../lib/types';
import { EmptyState } from './ui';

/** Portfolio value against what was put in (net contributions) over the chosen range. */
export function ValueChart({ data, currency }: { data: PerformanceResponse; currency: string }) {
  const layers = useMemo<Layer[]>(
    () => [
      { id: 'value', label: 'Value', kind: 'area', color: '#0d9488', points: data.series.map((p) => ({ x: dayToX(p.date), y: num(p.value) })) },
      {
        id: 'contrib',
        label: 'Net contributions',
        kind: 'line',
        color: '#6366f1',
        dashed: true,
        points: data.series.map((p) => ({ x: dayToX(p.date), y: num(p.netContribution) })),
      },
    ],
    [data],
  );
  if (data.series.length === 0) return <EmptyState title="No history in this range">Add activities with earlier dates, or choose a longer range.</EmptyState>;
  const last = data.series[data.series.length - 1];
  return (
    <XYChart
      testId="value-chart"
      layers={layers}
      formatY={(v) => formatMoney(v, currency, { compact: true })}
      formatX={(x) => formatDay(new Date(x).toISOString().slice(0, 10), { style: 'short' })}
      description={`Value against net contributions from ${formatDay(data.from)} to ${formatDay(data.to)}; latest value ${formatMoney(last?.value ?? null, currency)}.`}
    />
  );
}
