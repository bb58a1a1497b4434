import {
  createHttpApp,
  createJwksVerifier,
  createLogger,
  createMetricsRegistry,
  createStore,
  initTracing,
  type App,
  type KeyValueStore,
  type Logger,
} from '@meridian/platform';
import { registerAccessLog, logAccess } from './access-log.js';
import { createApiKeyExchange } from './api-keys.js';
import { loadGatewayConfig, resolveServices, type GatewayConfig } from './config.js';
import { edgeGuard, type GuardPolicies } from './guard.js';
import { registerServiceProxy, upstreamMetrics } from './proxy.js';
import { createRateLimiter } from './rate-limit.js';
import { servicesReady } from './readiness.js';
import { registerCors, registerSecurityHeaders } from './security.js';
import { cachingVerifier } from './token-cache.js';
import { defaultWebRoot, registerWeb, usableWebRoot } from './web.js';

export { gatewayConfigSchema, resolveServices, type GatewayConfig } from './config.js';

export interface GatewayOptions {
  /** name → base URL. Default: MERIDIAN_SERVICES_FILE and MERIDIAN_SERVICE_<NAME>_URL. */
  services?: Record<string, string>;
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Rate-limit counters and the API-key cache. Default: Redis at REDIS_URL, else memory. */
  cache?: KeyValueStore;
  /** Defaults: HOST and PORT from env (127.0.0.1:3000); port 0 takes a free one. */
  host?: string;
  port?: number;
  /** The web build to serve at `/`. Default: MERIDIAN_WEB_ROOT, else apps/web/dist if built. */
  webRoot?: string;
}

export interface RunningGateway {
  readonly url: string;
  readonly app: App;
  readonly services: Readonly<Record<string, string>>;
  /** Stops taking requests, drains in-flight ones and closes upstream connections. */
  close(): Promise<void>;
}

const MINUTE = 60_000;

/**
 * Starts the edge of the platform: `/api/<service>/…` proxied to each service with the prefix
 * stripped, access tokens checked first, rate limits, CORS, security headers, request ids
 * and trace context, an access log, metrics, WebSockets, and the web app at `/`.
 *
 * @example
 * const gw = await startGateway({ services: { auth: 'http://127.0.0.1:4001' }, port: 0 });
 * await fetch(`${gw.url}/api/auth/jwks`);
 * await gw.close();
 */
export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const config = loadGatewayConfig(env);
  const services = resolveServices(options.services, env);
  const authUrl = services.auth as string; // resolveServices guarantees it
  const logger = (options.logger ?? createLogger({ name: 'meridian', level: config.LOG_LEVEL })).child({ service: 'gateway' });
  const metrics = createMetricsRegistry('gateway');
  const ownsCache = !options.cache;
  const cache = options.cache ?? createStore(config.REDIS_URL);
  const closers: Array<() => Promise<void>> = [];
  const tracing = initTracing(config.OTEL_SERVICE_NAME ?? 'meridian-gateway', config.OTEL_EXPORTER_OTLP_ENDPOINT);

  const app = await createHttpApp({
    name: 'gateway',
    logger,
    metrics,
    bodyLimit: config.MERIDIAN_BODY_LIMIT,
    docs: false,
    accessLog: false,
    trustProxy: config.MERIDIAN_TRUST_PROXY,
    ready: servicesReady(services),
    tracing,
  });
  app.decorateRequest('upstreamToken', undefined);
  app.decorateRequest('upstreamStartedAt', 0);
  app.decorateRequest('upstreamSpan', undefined);
  registerSecurityHeaders(app);
  await registerCors(app, config.MERIDIAN_CORS_ORIGINS);
  if (config.MERIDIAN_ACCESS_LOG) registerAccessLog(app, logger);

  const apiKeys = createApiKeyExchange({ authUrl, store: cache, timeoutMs: Math.min(config.MERIDIAN_UPSTREAM_TIMEOUT_MS, 10_000) });
  closers.push(() => apiKeys.close());
  const guardDeps = {
    verifier: cachingVerifier(createJwksVerifier(`${authUrl}/jwks`), { ttlMs: config.MERIDIAN_TOKEN_CACHE_MS }),
    apiKeys,
    limiter: createRateLimiter(cache, logger),
    policies: policiesFrom(config),
  };
  const observe = upstreamMetrics(metrics);
  const trustProxy = config.MERIDIAN_TRUST_PROXY !== false;
  for (const [service, upstream] of Object.entries(services)) {
    await app.register(async (scope) => {
      scope.addHook('onRequest', edgeGuard(service, guardDeps));
      closers.push(
        await registerServiceProxy(scope, {
          service,
          upstream,
          bodyLimit: config.MERIDIAN_BODY_LIMIT,
          uploadBodyLimit: Math.max(config.MERIDIAN_UPLOAD_BODY_LIMIT, config.MERIDIAN_BODY_LIMIT),
          timeoutMs: config.MERIDIAN_UPSTREAM_TIMEOUT_MS,
          connections: config.MERIDIAN_UPSTREAM_CONNECTIONS,
          trustProxy,
          observe,
          tracing,
          onWebSocket: config.MERIDIAN_ACCESS_LOG ? (request) => logAccess(logger, request, 101, 0) : undefined,
        }),
      );
    });
  }

  const webRoot = usableWebRoot(options.webRoot ?? config.MERIDIAN_WEB_ROOT ?? defaultWebRoot);
  if ((options.webRoot ?? config.MERIDIAN_WEB_ROOT) && !webRoot) {
    logger.warn({ webRoot: options.webRoot ?? config.MERIDIAN_WEB_ROOT }, 'web root has no index.html; serving the landing page');
  }
  await registerWeb(app, webRoot, Object.keys(services));

  if (tracing) closers.push(() => tracing.shutdown());

  let address: string;
  try {
    address = await app.listen({ host: options.host ?? config.HOST, port: options.port ?? config.PORT });
  } catch (err) {
    await app.close();
    for (const close of closers) await close();
    if (ownsCache) await cache.close();
    throw err;
  }
  const url = address.replace('[::1]', '127.0.0.1');
  logger.info({ url, services: Object.keys(services), webRoot: webRoot ?? null }, 'gateway listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    services,
    close() {
      closing ??= (async () => {
        await app.close();
        for (const close of closers) await close();
        if (ownsCache) await cache.close();
      })();
      return closing;
    },
  };
}

function policiesFrom(config: GatewayConfig): GuardPolicies {
  return {
    anonymous: { name: 'ip', limit: config.MERIDIAN_RATE_LIMIT_ANON, windowMs: MINUTE },
    user: { name: 'user', limit: config.MERIDIAN_RATE_LIMIT_USER, windowMs: MINUTE },
    credentials: { name: 'login', limit: config.MERIDIAN_RATE_LIMIT_AUTH, windowMs: MINUTE },
  };
}
