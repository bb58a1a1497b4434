import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import {
  enterContext,
  formatTraceparent,
  newSpanId,
  newTraceId,
  parseTraceparent,
  type RequestContext,
} from '../context.js';
import { uuidv7 } from '../ids.js';
import type { Logger } from '../logger.js';
import { httpMetrics } from '../metrics.js';
import type { TraceSpan, Tracing } from '../tracing.js';
import type { App } from '../service-types.js';
import { errorHandler, notFoundHandler } from './errors.js';
import type { VerifiedToken } from './auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `authenticate` hook once the bearer token verified. */
    user?: VerifiedToken;
    ctx: RequestContext;
    span?: TraceSpan;
  }
}

export interface HttpAppOptions {
  name: string;
  logger: Logger;
  metrics: Registry;
  bodyLimit?: number;
  /** OpenAPI JSON at /docs/json and the UI at /docs. */
  docs?: boolean;
  /** Readiness check behind /health/ready. */
  ready?: () => Promise<Record<string, boolean>>;
  /** Trust X-Forwarded-* (behind the gateway or a load balancer). */
  trustProxy?: boolean | string | string[];
  /** Disable per-request access logs (the gateway logs the edge). */
  accessLog?: boolean;
  /** OpenTelemetry tracing, when an exporter is configured. */
  tracing?: Tracing | undefined;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The Fastify app every service uses: zod validation and OpenAPI, the single error handler,
 * request ids and trace context, health, metrics, body limits and a graceful close.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<App> {
  // Typed as Fastify's logger so the app's type stays the one every service shares.
  const loggerInstance: FastifyBaseLogger = options.logger;
  const app = Fastify({
    loggerInstance,
    logController: new LogController({ disableRequestLogging: options.accessLog === false }),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    trustProxy: options.trustProxy ?? true,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : uuidv7();
    },
    ajv: { customOptions: { removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  // A body that is not JSON where JSON is expected is a client error, not a crash.
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.addHook('onRequest', async (request, reply) => {
    const parent = parseTraceparent(request.headers.traceparent as string | undefined);
    const traceId = parent?.traceId ?? newTraceId();
    const sampled = parent?.sampled ?? true;
    const span = options.tracing?.startSpan(
      `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
      { traceId, sampled, ...(parent ? { parentSpanId: parent.parentSpanId } : {}) },
      'server',
      { 'http.request.method': request.method, 'url.path': request.url.split('?')[0] ?? '' },
    );
    if (span) request.span = span;
    const ctx: RequestContext = {
      requestId: request.id,
      traceId,
      spanId: span?.spanId ?? newSpanId(),
      sampled,
    };
    request.ctx = ctx;
    enterContext(ctx);
    void reply.header('x-request-id', request.id);
    void reply.header('traceparent', formatTraceparent(ctx));
  });

  const observe = httpMetrics(options.metrics, options.name);
  app.addHook('onResponse', async (request, reply) => {
    observe(request.method, routeLabel(request), reply.statusCode, reply.elapsedTime / 1000);
    request.span?.end({ 'http.response.status_code': reply.statusCode }, reply.statusCode >= 500);
  });

  if (options.docs !== false) {
    await app.register(swagger, {
      openapi: {
        info: { title: `Meridian ${options.name} API`, version: '1' },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      transform: jsonSchemaTransform,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  }

  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    const checks = options.ready ? await options.ready() : {};
    const ok = Object.values(checks).every(Boolean);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await options.metrics.metrics();
    return reply.header('content-type', options.metrics.contentType).send(body);
  });

  return app;
}

function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}
