import { lazy, Suspense, useEffect, type ComponentType, type LazyExoticComponent } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Layout } from './components/Layout';
import { Loading } from './components/ui';
import { useAuth } from './lib/auth';
import { LiveProvider } from './lib/live';
import { matchPath, navigate, useLocation } from './lib/router';

type Page = LazyExoticComponent<ComponentType<{ params: Record<string, string> }>>;

// Every page is its own chunk: the first load carries only the shell and the page shown.
const pages = {
  dashboard: lazy(() => import('./pages/Dashboard')),
  holdings: lazy(() => import('./pages/Holdings')),
  holding: lazy(() => import('./pages/Holding')),
  activities: lazy(() => import('./pages/Activities')),
  importCsv: lazy(() => import('./pages/ImportCsv')),
  accounts: lazy(() => import('./pages/Accounts')),
  performance: lazy(() => import('./pages/Performance')),
  planning: lazy(() => import('./pages/Planning')),
  trade: lazy(() => import('./pages/Trade')),
  order: lazy(() => import('./pages/Order')),
  settings: lazy(() => import('./pages/Settings')),
  signIn: lazy(() => import('./pages/SignIn')),
  signUp: lazy(() => import('./pages/SignUp')),
} satisfies Record<string, Page>;

const routes: Array<[string, Page, string]> = [
  ['/', pages.dashboard, 'Dashboard'],
  ['/holdings', pages.holdings, 'Holdings'],
  ['/holdings/:symbol', pages.holding, 'Holding'],
  ['/activities', pages.activities, 'Activities'],
  ['/activities/import', pages.importCsv, 'Import'],
  ['/accounts', pages.accounts, 'Accounts'],
  ['/performance', pages.performance, 'Performance'],
  ['/planning', pages.planning, 'Planning'],
  ['/trade', pages.trade, 'Trade'],
  ['/trade/orders/:id', pages.order, 'Order'],
  ['/settings', pages.settings, 'Settings'],
];

function resolve(pathname: string): { Page: Page; params: Record<string, string>; title: string } | null {
  for (const [pattern, Page, title] of routes) {
    const params = matchPath(pattern, pathname);
    if (params) return { Page, params, title: params.symbol ?? title };
  }
  return null;
}

export function App() {
  const { signedIn } = useAuth();
  const { pathname } = useLocation();
  const publicPage = pathname === '/signin' || pathname === '/signup';

  useEffect(() => {
    if (!signedIn && !publicPage) navigate(`/signin${pathname !== '/' ? `?next=${encodeURIComponent(pathname)}` : ''}`, { replace: true });
    if (signedIn && publicPage) navigate('/', { replace: true });
  }, [signedIn, publicPage, pathname]);

  if (!signedIn) {
    const Page = pathname === '/signup' ? pages.signUp : pages.signIn;
    return (
      <Suspense fallback={<Loading className="p-8" />}>
        <Page />
      </Suspense>
    );
  }

  const match = resolve(pathname);
  return (
    <LiveProvider enabled={signedIn}>
      <Layout>
        <ErrorBoundary resetKey={pathname}>
          <Suspense fallback={<Loading className="p-4" />}>
            {match ? (
              <Titled title={match.title}>
                <match.Page params={match.params} />
              </Titled>
            ) : (
              <NotFound />
            )}
          </Suspense>
        </ErrorBoundary>
      </Layout>
    </LiveProvider>
  );
}

function Titled({ title, children }: { title: string; children: React.ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Meridian`;
  }, [title]);
  return children;
}

function NotFound() {
  return (
    <div className="p-6">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm">
        Nothing lives at this address. <a className="text-brand-700 underline" href="/">Go to the dashboard</a>.
      </p>
    </div>
  );
}
