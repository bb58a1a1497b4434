import { Component, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/**
 * Catches what a page throws while rendering (or a page chunk that no longer exists after an
 * upgrade) and says so in plain words with a way out, instead of a blank screen. React
 * itself reports the error to the console.
 */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }): void {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const stale = /dynamically imported module|Failed to fetch|Importing a module script failed/i.test(error.message);
    return (
      <div role="alert" className="rounded-xl border border-rose-300 bg-rose-50 p-6 text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100">
        <h1 className="text-lg font-semibold">{stale ? 'Meridian was updated' : 'This page ran into a problem'}</h1>
        <p className="mt-2 text-sm">
          {stale ? 'A newer version is on the server. Reload to use it.' : `${error.message}. Reloading usually helps; your data is safe on the server.`}
        </p>
        <button type="button" className="mt-4 rounded-md bg-rose-700 px-3 py-2 text-sm font-medium text-white" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
