import { useState } from 'react';
import { Donut, type Slice } from '../charts/Donut';
import { Treemap } from '../charts/Treemap';
import { formatMoney, formatPercent } from '../lib/format';
import { useAllocations, useSummary } from '../lib/queries';
import type { AllocationsResponse } from '../lib/types';
import { Card, Loading, QueryProblem } from './ui';

const DIMENSIONS: Array<[keyof Omit<AllocationsResponse, 'total'>, string]> = [
  ['assetClass', 'Asset class'],
  ['currency', 'Currency'],
  ['account', 'Account'],
  ['sector', 'Sector'],
  ['country', 'Country'],
];

export function AllocationCard() {
  const allocations = useAllocations();
  const summary = useSummary();
  const [dimension, setDimension] = useState<(typeof DIMENSIONS)[number][0]>('assetClass');
  const [kind, setKind] = useState<'donut' | 'treemap'>('donut');
  const currency = summary.data?.baseCurrency ?? 'USD';
  const slices: Slice[] = (allocations.data?.[dimension] ?? []).map((s) => ({
    key: s.key,
    label: s.key === '' || s.key === 'null' ? 'Unknown' : humanise(s.key),
    value: Number(s.value),
    display: formatMoney(s.value, currency),
    weight: s.weight,
  }));
  const pct = (w: number) => formatPercent(w, { digits: 1 });
  return (
    <Card
      title="Allocation"
      actions={
        <div className="flex gap-2">
          <select aria-label="Allocation by" className="rounded border border-slate-300 bg-transparent px-2 py-1 text-xs dark:border-slate-600" value={dimension} onChange={(e) => setDimension(e.target.value as typeof dimension)}>
            {DIMENSIONS.map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
          <select aria-label="Chart type" className="rounded border border-slate-300 bg-transparent px-2 py-1 text-xs dark:border-slate-600" value={kind} onChange={(e) => setKind(e.target.value as 'donut' | 'treemap')}>
            <option value="donut">Donut</option>
            <option value="treemap">Treemap</option>
          </select>
        </div>
      }
    >
      {allocations.isPending ? (
        <Loading />
      ) : allocations.isError ? (
        <QueryProblem error={allocations.error} what="Allocations" />
      ) : slices.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">Nothing to allocate yet.</p>
      ) : kind === 'donut' ? (
        <Donut slices={slices} formatWeight={pct} centre={formatMoney(allocations.data.total, currency, { compact: true })} />
      ) : (
        <Treemap slices={slices} formatWeight={pct} />
      )}
    </Card>
  );
}

/** `REAL_ESTATE` → `Real estate`; names that are not upper-case codes stay as they are. */
export function humanise(key: string): string {
  if (!/^[A-Z_]+$/.test(key) || key.length <= 3) return key;
  const words = key.toLowerCase().replace(/_/g, ' ');
  return words[0]!.toUpperCase() + words.slice(1);
}
