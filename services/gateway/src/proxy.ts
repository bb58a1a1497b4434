import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import proxy from '@fastify/http-proxy';
import { AppError, formatTraceparent, newSpanId, type App, type TraceSpan, type Tracing } from '@meridian/platform';
import type { FastifyRequest, RawServerBase, RouteGenericInterface } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import { Pool } from 'undici';

/** The request type @fastify/reply-from hands to its hooks (any server flavour). */
type ProxiedRequest = FastifyRequest<RouteGenericInterface, RawServerBase>;

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when the upstream request left; for the upstream latency histogram. */
    upstreamStartedAt: number;
    /** The client span of the upstream call, when tracing exports spans. */
    upstreamSpan: TraceSpan | undefined;
  }
}

/** What @fastify/reply-from hands to `onResponse` (its types call it a ServerResponse). */
interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** undici's body: a Readable that can also be read whole. */
  stream: Readable & { arrayBuffer?: () => Promise<ArrayBuffer> };
}

const SMALL_BODY = 64 * 1024;

export interface ProxyOptions {
  service: string;
  upstream: string;
  bodyLimit: number;
  /** Limit for upload routes (`/imports…` under the service). */
  uploadBodyLimit: number;
  timeoutMs: number;
  connections: number;
  /** Whether X-Forwarded-* from the client are trusted (then the chain is extended). */
  trustProxy: boolean;
  observe: UpstreamObserver;
  tracing?: Tracing | undefined;
  /** Called once per proxied WebSocket, when the upgrade is forwarded (access log). */
  onWebSocket?: (request: FastifyRequest) => void;
}

/**
 * Proxies `/api/<service>/*` (HTTP and WebSocket) to the service with the prefix stripped,
 * over a keep-alive undici pool of its own. Call inside a scope that has the guard hook.
 */
export async function registerServiceProxy(scope: App, options: ProxyOptions): Promise<() => Promise<void>> {
  const { service, observe } = options;
  const origin = new URL(options.upstream).origin;
  const pool = new Pool(origin, {
    connections: options.connections,
    pipelining: 1,
    headersTimeout: options.timeoutMs,
    // Idle time between body chunks, not total: server-sent events and large exports stream.
    bodyTimeout: Math.max(options.timeoutMs, 300_000),
    keepAliveTimeout: 10_000,
    connect: { timeout: Math.min(options.timeoutMs, 10_000) },
  });

  // The proxy streams bodies through untouched, so Fastify's bodyLimit (which applies to
  // parsed bodies) would never trigger: enforce it on the stream instead.
  scope.removeAllContentTypeParsers();
  const uploadPrefix = `/api/${service}/imports`;
  scope.addContentTypeParser('*', (request, payload, done) => {
    const limit = request.url.startsWith(uploadPrefix) ? options.uploadBodyLimit : options.bodyLimit;
    const declared = request.headers['content-length'];
    if (declared !== undefined) {
      if (Number(declared) > limit) done(tooLarge(limit), undefined);
      else done(null, payload); // Node's parser already holds the body to its Content-Length
      return;
    }
    done(null, capped(payload, limit));
  });

  const rewriteRequestHeaders = (request: ProxiedRequest, headers: IncomingHttpHeaders) => {
    forwardHeaders(request, headers, options);
    request.upstreamStartedAt = performance.now();
    return headers;
  };

  await scope.register(proxy, {
    upstream: options.upstream,
    prefix: `/api/${service}`,
    websocket: true,
    proxyPayloads: false,
    undici: pool,
    disableRequestLogging: true,
    replyOptions: {
      rewriteRequestHeaders,
      rewriteHeaders(headers) {
        // The client gets the gateway's own trace context and request id, not the service's.
        delete headers.traceparent;
        delete headers['x-request-id'];
        return headers;
      },
      onResponse(request, reply, res) {
        const upstream = res as unknown as UpstreamResponse;
        observe(service, upstream.statusCode, request.upstreamStartedAt);
        request.upstreamSpan?.end({ 'http.response.status_code': upstream.statusCode }, upstream.statusCode >= 500);
        // Small bodies of known length (nearly every JSON answer) are read whole and sent
        // as one buffer: piping a stream through Fastify costs more than the copy.
        const length = Number(upstream.headers['content-length']);
        if (length <= SMALL_BODY && upstream.stream.arrayBuffer) {
          upstream.stream.arrayBuffer().then(
            (body) => void reply.send(Buffer.from(body)),
            (err: unknown) => void reply.send(upstreamError(service, err as Error)),
          );
          return;
        }
        void reply.send(upstream.stream);
      },
      onError(reply, { error }) {
        const request = reply.request;
        observe(service, 0, request.upstreamStartedAt);
        request.upstreamSpan?.end({ 'error.type': error.name }, true);
        void reply.send(upstreamError(service, error));
      },
      // Never replay a request on a 503 (reply-from's default retries GETs up to ten
      // times); retry once only when a kept-alive connection died under an idempotent read.
      retryDelay: ({ err, req, attempt }) =>
        attempt === 0 && isStaleSocket(err) && (req.method === 'GET' || req.method === 'HEAD') ? 1 : null,
    },
    wsClientOptions: {
      rewriteRequestHeaders: (headers: Record<string, string>, request: FastifyRequest) => {
        options.onWebSocket?.(request);
        const forwarded: IncomingHttpHeaders = { ...headers };
        for (const name of ['cookie', 'user-agent', 'authorization'] as const) {
          const value = request.headers[name];
          if (value !== undefined) forwarded[name] = value;
        }
        return forwardHeaders(request, forwarded, options, true);
      },
      // The token may have come as ?access_token=; it goes upstream in the header only.
      queryString: (search: string | undefined) => {
        const params = new URLSearchParams(search ?? '');
        params.delete('access_token');
        return params.toString();
      },
    } as Record<string, unknown>,
  });

  return () => pool.close();
}

/**
 * Headers for the upstream request: our request id, a child span of the gateway's trace,
 * the verified (or exchanged) access token, and X-Forwarded-* describing the client.
 */
function forwardHeaders(
  request: ProxiedRequest,
  headers: IncomingHttpHeaders,
  options: Pick<ProxyOptions, 'service' | 'trustProxy' | 'tracing'>,
  websocket = false,
): IncomingHttpHeaders {
  const ctx = request.ctx;
  const span = options.tracing?.startSpan(
    `proxy ${options.service}`,
    { traceId: ctx.traceId, parentSpanId: ctx.spanId, sampled: ctx.sampled },
    'client',
    { 'server.address': options.service },
  );
  if (span && !websocket) request.upstreamSpan = span;
  headers['x-request-id'] = request.id;
  headers.traceparent = formatTraceparent({ traceId: ctx.traceId, spanId: span?.spanId ?? newSpanId(), sampled: ctx.sampled });
  if (request.upstreamToken !== undefined) headers.authorization = `Bearer ${request.upstreamToken}`;
  const prior = options.trustProxy ? request.headers['x-forwarded-for'] : undefined;
  headers['x-forwarded-for'] = prior ? `${String(prior)}, ${request.socket.remoteAddress ?? request.ip}` : request.ip;
  headers['x-forwarded-proto'] = request.protocol;
  headers['x-forwarded-host'] = request.host;
  if (websocket) {
    delete headers.host;
    span?.end();
  }
  return headers;
}

function upstreamError(service: string, error: Error & { statusCode?: number; code?: string }): AppError {
  const cause = error.cause as { code?: string } | undefined;
  const code = cause?.code ?? error.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new AppError('payload_too_large', 'request body is too large', { cause: error });
  }
  if (error.statusCode === 504 || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new AppError('gateway_timeout', `${service} service did not answer in time`, { cause: error });
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || error.statusCode === 503) {
    return new AppError('unavailable', `${service} service is unavailable`, { cause: error });
  }
  return new AppError('bad_gateway', `${service} service failed to answer`, { cause: error });
}

function isStaleSocket(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

function tooLarge(limit: number): Error {
  return Object.assign(new Error(`request body is larger than ${limit} bytes`), {
    code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    statusCode: 413,
  });
}

/** Passes a chunked body through, failing it once it exceeds `limit` bytes. */
function capped(payload: Readable, limit: number): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(seen > limit ? tooLarge(limit) : null, chunk);
    },
  });
  payload.on('error', (err) => counter.destroy(err));
  return payload.pipe(counter);
}

export type UpstreamObserver = (service: string, status: number, startedAt: number) => void;

/** Upstream latency by service and status (0 = no answer: refused, reset or timed out). */
export function upstreamMetrics(registry: Registry): UpstreamObserver {
  const histogram = new Histogram({
    name: 'gateway_upstream_duration_seconds',
    help: 'Time from forwarding a request to a service until its response headers arrived',
    labelNames: ['service', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  // Label children are looked up by a hash of the label values; keep them to skip that.
  const children = new Map<string, Histogram.Internal<'service' | 'status'>>();
  return (service, status, startedAt) => {
    if (!startedAt) return;
    const key = `${service} ${status}`;
    let child = children.get(key);
    if (!child) {
      child = histogram.labels(service, status === 0 ? 'error' : String(status));
      children.set(key, child);
    }
    child.observe((performance.now() - startedAt) / 1000);
  };
}
