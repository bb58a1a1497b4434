import type { App, Logger } from '@meridian/platform';
import type { FastifyRequest } from 'fastify';

/**
 * One line per request at the edge: method, path (the query is left out: it can hold
 * tokens and personal data), status, duration, user and request id. Services log nothing
 * per request (`accessLog: false`), so this is the only access log of the platform.
 */
export function registerAccessLog(app: App, logger: Logger): void {
  app.addHook('onResponse', (request, reply, done) => {
    logAccess(logger, request, reply.statusCode, reply.elapsedTime);
    done();
  });
}

export function logAccess(logger: Logger, request: FastifyRequest, status: number, ms: number): void {
  const q = request.url.indexOf('?');
  logger.info(
    {
      method: request.method,
      path: q === -1 ? request.url : request.url.slice(0, q),
      status,
      ms: Math.round(ms * 10) / 10,
      userId: request.user?.userId,
      reqId: request.id,
    },
    'request',
  );
}
