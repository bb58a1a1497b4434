import { readTokens, withSessionLock, writeTokens, type Tokens } from './session';

/** One problem with one field, as the API reports it (`details.issues`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** An error answer of the API: `{error:{code,message,details?}}` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field problems: 400 `validation_failed` issues and 422 ledger violations, keyed by field path. */
  get issues(): FieldIssue[] {
    const out: FieldIssue[] = [];
    const issues = this.details.issues;
    if (Array.isArray(issues)) {
      for (const issue of issues as Array<{ path?: string | Array<string | number>; message?: string }>) {
        const path = Array.isArray(issue.path) ? issue.path.join('.') : (issue.path ?? '');
        out.push({ path, message: issue.message ?? 'is not valid' });
      }
    }
    const violations = this.details.violations;
    if (Array.isArray(violations)) {
      for (const v of violations as Array<Record<string, unknown>>) {
        const field = v.kind === 'insufficient_position' ? 'quantity' : 'amount';
        out.push({ path: field, message: typeof v.message === 'string' ? v.message : describeViolation(v) });
      }
    }
    return out;
  }

  /** The service that answers this route is not part of this server (yet). */
  get unavailable(): boolean {
    return this.status === 404 && this.code === 'not_found' && /no route/i.test(this.message);
  }
}

function describeViolation(v: Record<string, unknown>): string {
  const parts = [v.date, v.symbol ?? v.currency, v.reason].filter((x) => typeof x === 'string');
  return parts.length ? parts.join(' · ') : 'breaks a ledger rule';
}

/** Network failure (server unreachable): not an API answer. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('Meridian cannot be reached. Check your connection; we will retry.');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

/** Highest `Meridian-Version` a write of this tab has produced: reads of the portfolio wait for it. */
let writtenVersion = 0;
export function lastWrittenVersion(): number {
  return writtenVersion;
}
export function noteWrittenVersion(v: number): void {
  if (Number.isFinite(v) && v > writtenVersion) writtenVersion = v;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Skip the bearer token (sign-in, sign-up). */
  anonymous?: boolean;
  /** Wait until the portfolio has applied this tab's last write (`minVersion`). */
  fresh?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export function buildUrl(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return `/api${path}${qs ? `?${qs}` : ''}`;
}

/** Calls the API through the gateway; renews the access token once on a 401. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('application/json')) return (await res.json()) as T;
  return (await res.text()) as T;
}

/** Like `api` but returns the raw Response (downloads). */
export async function apiResponse(path: string, options: RequestOptions = {}): Promise<Response> {
  return send(path, options);
}

async function send(path: string, options: RequestOptions, retried = false): Promise<Response> {
  const query = { ...options.query };
  if (options.fresh && writtenVersion > 0) query.minVersion = writtenVersion;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === 'string') {
      body = options.body;
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
  }
  let tokens: Tokens | null = null;
  if (!options.anonymous) {
    tokens = await validTokens();
    if (tokens) headers.authorization = `Bearer ${tokens.accessToken}`;
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, query), {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      body: body ?? null,
      signal: options.signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new NetworkError(err);
  }
  const version = Number(res.headers.get('meridian-version'));
  if (version) noteWrittenVersion(version);
  if (res.status === 401 && tokens && !retried) {
    const renewed = await refreshTokens(tokens);
    if (renewed) return send(path, options, true);
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

export async function toApiError(res: Response): Promise<ApiError> {
  let code = 'http_' + res.status;
  let message = res.statusText || `The server answered ${res.status}`;
  let details: Record<string, unknown> = {};
  try {
    const parsed = (await res.json()) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } };
    if (parsed.error) {
      code = parsed.error.code ?? code;
      message = parsed.error.message ?? message;
      details = parsed.error.details ?? {};
    }
  } catch {
    // Not JSON (a proxy's error page): keep the status text.
  }
  if (res.status === 429) {
    const retry = res.headers.get('retry-after');
    if (retry) message = `${message} Try again in ${retry} s.`;
  }
  return new ApiError(res.status, code, message, details);
}

const EARLY_MS = 30_000;

/** Current tokens, renewed first when the access token is about to expire. */
export async function validTokens(): Promise<Tokens | null> {
  const tokens = readTokens();
  if (!tokens) return null;
  if (tokens.expiresAt - EARLY_MS > Date.now()) return tokens;
  return (await refreshTokens(tokens)) ?? null;
}

let inflight: Promise<Tokens | null> | null = null;

/** Renews the pair once for every caller (and every tab); signs out when the session is over. */
export function refreshTokens(stale: Tokens): Promise<Tokens | null> {
  inflight ??= withSessionLock(async () => {
    const current = readTokens();
    if (!current) return null;
    if (current.accessToken !== stale.accessToken && current.expiresAt - EARLY_MS > Date.now()) return current;
    try {
      const res = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: current.refreshToken }),
      });
      if (!res.ok) {
        if (res.status === 400 || res.status === 401) writeTokens(null);
        return null;
      }
      const pair = (await res.json()) as { accessToken: string; refreshToken: string; expiresIn: number };
      const next = toTokens(pair);
      writeTokens(next);
      return next;
    } catch {
      return null;
    }
  }).finally(() => {
    inflight = null;
  });
  return inflight;
}

export function toTokens(pair: { accessToken: string; refreshToken: string; expiresIn: number }): Tokens {
  return { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: Date.now() + pair.expiresIn * 1000 };
}

/** A message for a person, for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError || err instanceof NetworkError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
