import { useState, type ReactNode } from 'react';
import { useAuth } from '../lib/auth';
import { formatInstant } from '../lib/format';
import { useLive } from '../lib/live';
import { Link, navigate, useLocation } from '../lib/router';
import { applyTheme, savedTheme, type Theme } from '../lib/theme';
import { cx } from './ui';

const NAV: Array<[string, string]> = [
  ['/', 'Dashboard'],
  ['/holdings', 'Holdings'],
  ['/activities', 'Activities'],
  ['/trade', 'Trade'],
  ['/accounts', 'Accounts'],
  ['/performance', 'Performance'],
  ['/planning', 'Planning'],
  ['/settings', 'Settings'],
];

export function Layout({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  const { email, signOut } = useAuth();
  const [menuOpen, setMenuOpen] = useState(false);
  const active = (to: string) => (to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`));

  const nav = (
    <nav aria-label="Main">
      <ul className="flex flex-col gap-1">
        {NAV.map(([to, label]) => (
          <li key={to}>
            <Link
              to={to}
              onClick={() => setMenuOpen(false)}
              aria-current={active(to) ? 'page' : undefined}
              className={cx(
                'block rounded-md px-3 py-2 text-sm font-medium',
                active(to) ? 'bg-brand-100 text-brand-800 dark:bg-brand-800/40 dark:text-brand-100' : 'text-slate-700 hover:bg-slate-200 dark:text-slate-300 dark:hover:bg-slate-800',
              )}
            >
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );

  return (
    <div className="min-h-screen md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:p-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-30 flex items-center justify-between border-b border-slate-200 bg-white/90 px-4 py-3 backdrop-blur md:hidden dark:border-slate-800 dark:bg-slate-900/90">
        <Brand />
        <button
          type="button"
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-600"
          aria-expanded={menuOpen}
          aria-controls="mobile-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </button>
      </header>
      {menuOpen && (
        <div id="mobile-nav" className="border-b border-slate-200 bg-white p-3 md:hidden dark:border-slate-800 dark:bg-slate-900">
          {nav}
        </div>
      )}
      <aside className="hidden w-56 shrink-0 flex-col gap-6 border-r border-slate-200 bg-white p-4 md:sticky md:top-0 md:flex md:h-screen md:overflow-y-auto dark:border-slate-800 dark:bg-slate-900">
        <Brand />
        {nav}
        <div className="mt-auto flex flex-col gap-3 text-sm">
          <LiveIndicator />
          <ThemeSwitch />
          <p className="truncate text-slate-500 dark:text-slate-400" title={email ?? undefined}>
            {email}
          </p>
          <button
            type="button"
            className="rounded-md border border-slate-300 px-3 py-2 text-left hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
            onClick={() => void signOut().then(() => navigate('/signin'))}
          >
            Sign out
          </button>
        </div>
      </aside>
      <main id="main" className="min-w-0 flex-1 p-4 md:p-6">
        <div className="mb-3 flex items-center justify-end gap-3 md:hidden">
          <LiveIndicator />
          <ThemeSwitch />
          <button type="button" className="text-sm underline" onClick={() => void signOut().then(() => navigate('/signin'))}>
            Sign out
          </button>
        </div>
        {children}
      </main>
    </div>
  );
}

function Brand() {
  return (
    <Link to="/" className="flex items-center gap-2 text-lg font-semibold">
      <img src="/favicon.svg" alt="" className="size-7" />
      Meridian
    </Link>
  );
}

function ThemeSwitch() {
  const [theme, setTheme] = useState<Theme>(savedTheme);
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="text-slate-600 dark:text-slate-400">Theme</span>
      <select
        className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-800"
        value={theme}
        onChange={(e) => {
          const next = e.target.value as Theme;
          setTheme(next);
          applyTheme(next);
        }}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}

const REASONS: Record<string, string> = { activity: 'activity', account: 'account', prices: 'prices', settings: 'settings', day: 'new day' };

function LiveIndicator() {
  const live = useLive();
  const label =
    live.status === 'open'
      ? live.at
        ? `Live · updated ${formatInstant(live.at.toISOString())}${live.reason ? ` (${REASONS[live.reason] ?? live.reason})` : ''}`
        : 'Live'
      : live.status === 'connecting'
        ? 'Connecting…'
        : 'Live updates unavailable; retrying';
  return (
    <p className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400" data-testid="live-status" data-updates={live.status === 'open' ? live.updates : 0} aria-live="polite">
      <span
        className={cx('size-2 rounded-full', live.status === 'open' ? 'bg-emerald-500' : live.status === 'connecting' ? 'bg-amber-400' : 'bg-slate-400')}
        aria-hidden
      />
      {label}
    </p>
  );
}
