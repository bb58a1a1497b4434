/**
 * The signed-in session: an access token (short-lived JWT) and the refresh token that renews
 * it. Both live in localStorage so a reload or a second tab stays signed in. Refresh tokens
 * are single-use (reuse revokes the whole session), so renewals are serialised across tabs
 * with the Web Locks API and each tab re-reads storage inside the lock: a tab that finds a
 * token another tab already renewed uses it instead of spending the old refresh token again.
 */

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds after which the access token is no longer accepted. */
  expiresAt: number;
}

const KEY = 'meridian.session';
type Listener = (tokens: Tokens | null) => void;
const listeners = new Set<Listener>();

export function readTokens(): Tokens | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Tokens>;
    if (typeof parsed.accessToken !== 'string' || typeof parsed.refreshToken !== 'string' || typeof parsed.expiresAt !== 'number') {
      return null;
    }
    return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken, expiresAt: parsed.expiresAt };
  } catch {
    return null;
  }
}

export function writeTokens(tokens: Tokens | null): void {
  if (tokens) localStorage.setItem(KEY, JSON.stringify(tokens));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener(tokens);
}

export function onTokensChange(listener: Listener): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === KEY) listener(readTokens());
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** Runs `fn` while holding a lock shared by every tab of this origin (plain call where unsupported). */
export async function withSessionLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return fn();
  return locks.request('meridian.session.refresh', fn);
}

/** The `sub` and `email` claims of an access token (for display only: the server verifies it). */
export function tokenClaims(accessToken: string): { sub?: string; email?: string } {
  const part = accessToken.split('.')[1];
  if (!part) return {};
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { sub?: unknown; email?: unknown };
    return {
      ...(typeof claims.sub === 'string' ? { sub: claims.sub } : {}),
      ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    };
  } catch {
    return {};
  }
}
