import { useId, useState, type ComponentPropsWithRef, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { ApiError, errorMessage } from '../lib/api';

const cx = (...parts: Array<string | false | null | undefined>) => parts.filter(Boolean).join(' ');
export { cx };

type ButtonProps = ComponentPropsWithRef<'button'> & { variant?: 'primary' | 'secondary' | 'danger' | 'ghost'; busy?: boolean };

export function Button({ variant = 'primary', busy = false, className, children, disabled, type = 'button', ...rest }: ButtonProps) {
  const styles = {
    primary: 'bg-brand-700 text-white hover:bg-brand-800 dark:bg-brand-600 dark:hover:bg-brand-700',
    secondary:
      'border border-slate-300 bg-white text-slate-800 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700',
    danger: 'bg-rose-700 text-white hover:bg-rose-800',
    ghost: 'text-slate-700 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-800',
  }[variant];
  return (
    <button
      type={type}
      className={cx('inline-flex items-center justify-center gap-2 rounded-md px-3 py-2 text-sm font-medium disabled:opacity-60', styles, className)}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy && <span className="size-3 animate-spin rounded-full border-2 border-current border-t-transparent" aria-hidden />}
      {children}
    </button>
  );
}

const inputClass =
  'w-full rounded-md border bg-white px-3 py-2 text-sm text-slate-900 placeholder:text-slate-400 dark:bg-slate-900 dark:text-slate-100';

interface FieldShell {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
}

export function TextField({ label, error, hint, className, ...rest }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        className={cx(inputClass, error ? 'border-rose-600' : 'border-slate-300 dark:border-slate-600')}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        {...rest}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-rose-700 dark:text-rose-400" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function SelectField({ label, error, hint, className, children, ...rest }: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      <select
        id={id}
        className={cx(inputClass, error ? 'border-rose-600' : 'border-slate-300 dark:border-slate-600')}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...rest}
      >
        {children}
      </select>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-rose-700 dark:text-rose-400" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{hint}</p>
      ) : null}
    </div>
  );
}

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={cx('rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900', className)}>
      {(title || actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title && <h2 className="text-base font-semibold">{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      {children && <div className="flex flex-wrap items-center gap-2">{children}</div>}
    </div>
  );
}

/** A problem with a whole form or action, announced when it appears. */
export function Problem({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <div role="alert" className={cx('rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200', className)}>
      {children}
    </div>
  );
}

/** An error in plain words, next to what caused it. */
export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Problem>
      {title && <p className="font-medium">{title}</p>}
      <p>{errorMessage(error)}</p>
    </Problem>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="rounded-xl border border-dashed border-slate-300 p-8 text-center dark:border-slate-700">
      <p className="font-medium">{title}</p>
      {children && <div className="mt-1 text-sm text-slate-600 dark:text-slate-400">{children}</div>}
      {action && <div className="mt-4">{action}</div>}
    </div>
  );
}

export function Loading({ label = 'Loading…', className }: { label?: string; className?: string }) {
  return (
    <div role="status" className={cx('flex items-center gap-2 text-sm text-slate-500 dark:text-slate-400', className)}>
      <span className="size-4 animate-spin rounded-full border-2 border-current border-t-transparent" aria-hidden />
      {label}
    </div>
  );
}

export function Skeleton({ className }: { className?: string }) {
  return <div className={cx('animate-pulse rounded-md bg-slate-200 dark:bg-slate-800', className)} aria-hidden />;
}

/**
 * What a page shows when its data could not load. The portfolio figures come from a service
 * that an older server may not run: that case gets its own explanation, not an error.
 */
export function QueryProblem({ error, what }: { error: unknown; what: string }) {
  if (error instanceof ApiError && error.unavailable) {
    return (
      <EmptyState title={`${what} are not available on this server yet`}>
        The portfolio service is not running here. Accounts and activities still work; figures appear once it is installed.
      </EmptyState>
    );
  }
  return <ErrorNote error={error} title={`Could not load ${what.toLowerCase()}`} />;
}

/** A small "i" button that opens a definition: how a figure is computed and from what. */
export function InfoTip({ label, children }: { label: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <span className="relative inline-block">
      <button
        type="button"
        className="ml-1 inline-flex size-5 items-center justify-center rounded-full border border-slate-400 text-xs text-slate-600 dark:text-slate-300"
        aria-label={`How ${label} is computed`}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
      >
        i
      </button>
      {open && (
        <span
          id={id}
          role="note"
          className="absolute left-0 top-6 z-20 block w-72 max-w-[80vw] rounded-md border border-slate-200 bg-white p-3 text-left text-xs font-normal leading-relaxed text-slate-700 shadow-lg dark:border-slate-700 dark:bg-slate-800 dark:text-slate-200"
        >
          {children}
        </span>
      )}
    </span>
  );
}

/** Every badge a holding's price deserves: simulated, stale, manual, carried forward, or a trade's price. */
export function priceBadges(h: { simulated?: boolean; manual?: boolean; stale?: boolean; priceSource?: string | null }): string[] {
  const out: string[] = [];
  if (h.simulated) out.push('simulated');
  if (h.stale) out.push('stale');
  if (h.manual || h.priceSource === 'manual') out.push('manual');
  else if (h.priceSource === 'carried') out.push('carried');
  else if (h.priceSource === 'trade') out.push('trade');
  else if (h.priceSource === 'none') out.push('no price');
  return out;
}

export function PriceBadges({ holding }: { holding: Parameters<typeof priceBadges>[0] }) {
  return (
    <>
      {priceBadges(holding).map((b) => (
        <PriceBadge key={b} source={b} />
      ))}
    </>
  );
}

/** Marks a price that is not a fresh market price (simulated, stale, manual, carried, a trade's price). */
export function PriceBadge({ source }: { source: string | null | undefined }) {
  if (!source || source === 'exact') return null;
  const styles: Record<string, string> = {
    simulated: 'bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-200',
    stale: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
    manual: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200',
    backfill: 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
    carried: 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  };
  const titles: Record<string, string> = {
    simulated: 'Simulated price: no market data provider is configured',
    stale: 'Stale: older than the last trading session',
    manual: 'Manual price you entered',
    backfill: 'Back-filled daily close, not a live quote',
    carried: 'The last known close, carried forward: no price for today yet',
    trade: 'Priced at your last trade: no market price is known',
    'no price': 'No price is known for this holding',
  };
  return (
    <span className={cx('ml-1 rounded px-1.5 py-0.5 text-[10px] font-semibold uppercase', styles[source] ?? styles.backfill)} title={titles[source] ?? source}>
      {source}
    </span>
  );
}
