import type { KeyboardEvent } from 'react';
import { RANGES, type Range } from '../lib/types';
import { cx } from './ui';

/** The range buttons behave as a radio group: one Tab stop, arrow keys move the choice. */
export function RangePicker({ value, onChange }: { value: string; onChange: (r: Range) => void }) {
  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const index = Math.max(0, RANGES.indexOf(value as Range));
    const next = RANGES[(index + step + RANGES.length) % RANGES.length]!;
    onChange(next);
    const buttons = event.currentTarget.querySelectorAll('button');
    buttons[RANGES.indexOf(next)]?.focus();
  };
  return (
    <div role="radiogroup" aria-label="Range" className="flex flex-wrap gap-1" onKeyDown={onKey}>
      {RANGES.map((r) => (
        <button
          key={r}
          type="button"
          role="radio"
          aria-checked={value === r}
          tabIndex={value === r ? 0 : -1}
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
