import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import { childContext, currentContext, formatTraceparent } from './context.js';
import { AppError, type ErrorCode } from './errors.js';

export interface ServiceRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Bearer token to forward (the caller's own, for user-scoped calls). */
  token?: string;
  timeoutMs?: number;
}

export interface ServiceResponse<T> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

/** A typed HTTP client for one service: timeouts, trace propagation, errors as AppError. */
export interface ServiceClient {
  readonly baseUrl: string;
  request<T = unknown>(req: ServiceRequest): Promise<ServiceResponse<T>>;
  close(): Promise<void>;
}

export interface ServiceClients {
  get(name: string): ServiceClient;
  /** Base URL of a service, from configuration or the embedded host. */
  url(name: string): string;
  close(): Promise<void>;
}

const statusCodes: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'unprocessable',
  429: 'rate_limited',
};

export function createServiceClient(
  name: string,
  baseUrl: string,
  options: { timeoutMs?: number; connections?: number } = {},
): ServiceClient {
  const url = new URL(baseUrl);
  const pool = new Pool(url.origin, { connections: options.connections ?? 32, pipelining: 1 });
  const prefix = url.pathname.replace(/\/$/, '');
  const defaultTimeout = options.timeoutMs ?? 5_000;
  return {
    baseUrl,
    async request<T>(req: ServiceRequest): Promise<ServiceResponse<T>> {
      const parent = currentContext();
      const span = childContext(parent);
      const headers: Record<string, string> = {
        accept: 'application/json',
        traceparent: formatTraceparent(span),
        'x-request-id': span.requestId,
        ...req.headers,
      };
      if (req.token) headers.authorization = `Bearer ${req.token}`;
      let body: string | undefined;
      if (req.body !== undefined) {
        body = JSON.stringify(req.body);
        headers['content-type'] = 'application/json';
      }
      const timeout = req.timeoutMs ?? defaultTimeout;
      let res: Dispatcher.ResponseData;
      try {
        res = await pool.request({
          method: req.method ?? 'GET',
          path: prefix + req.path,
          headers,
          body,
          headersTimeout: timeout,
          bodyTimeout: timeout,
          signal: AbortSignal.timeout(timeout),
        });
      } catch (err) {
        const timedOut =
          err instanceof undiciErrors.HeadersTimeoutError ||
          err instanceof undiciErrors.BodyTimeoutError ||
          (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'));
        throw new AppError(
          timedOut ? 'gateway_timeout' : 'unavailable',
          `${name} service ${timedOut ? 'timed out' : 'unreachable'}`,
          { cause: err },
        );
      }
      const text = await res.body.text();
      let parsed: unknown = text;
      if (text && String(res.headers['content-type'] ?? '').includes('json')) {
        parsed = JSON.parse(text);
      }
      if (res.statusCode >= 400) {
        const remote = (parsed as { error?: { code?: string; message?: string } })?.error;
        const code = statusCodes[res.statusCode] ?? (res.statusCode >= 500 ? 'bad_gateway' : 'bad_request');
        throw new AppError(code, remote?.message ?? `${name} service answered ${res.statusCode}`, {
          details: { service: name, status: res.statusCode, code: remote?.code },
        });
      }
      return { status: res.statusCode, body: parsed as T, headers: res.headers };
    },
    async close() {
      await pool.close();
    },
  };
}

/** Clients by service name, built lazily from a name → base URL resolver. */
export function createServiceClients(resolveUrl: (name: string) => string | undefined): ServiceClients {
  const clients = new Map<string, ServiceClient>();
  const url = (name: string) => {
    const u = resolveUrl(name);
    if (!u) {
      throw new AppError(
        'unavailable',
        `no address for service "${name}": set MERIDIAN_SERVICE_${name.toUpperCase()}_URL`,
      );
    }
    return u;
  };
  return {
    url,
    get(name) {
      let client = clients.get(name);
      if (!client) {
        client = createServiceClient(name, url(name));
        clients.set(name, client);
      }
      return client;
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close()));
      clients.clear();
    },
  };
}
