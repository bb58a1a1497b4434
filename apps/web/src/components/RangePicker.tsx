import { RANGES, type Range } from '../lib/types';
import { cx } from './ui';

export function RangePicker({ value, onChange }: { value: string; onChange: (r: Range) => void }) {
  return (
    <div role="radiogroup" aria-label="Range" className="flex flex-wrap gap-1">
      {RANGES.map((r) => (
        <button
          key={r}
          type="button"
          role="radio"
          aria-checked={value === r}
          onClick={() => onChange(r)}
          className={cx(
            'rounded-md px-2 py-1 text-xs font-medium',
            value === r ? 'bg-brand-700 text-white dark:bg-brand-600' : 'bg-slate-200 text-slate-700 hover:bg-slate-300 dark:bg-slate-800 dark:text-slate-200',
          )}
        >
          {r}
        </button>
      ))}
    </div>
  );
}
