import type { FastifyRequest } from 'fastify';
import type { ClientMeta } from './deps.js';

/** The client address and user agent of a request (the gateway forwards X-Forwarded-For). */
export function clientMeta(request: FastifyRequest): ClientMeta {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' && ua !== '' ? ua : null };
}
