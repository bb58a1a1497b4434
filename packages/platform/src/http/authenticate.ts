import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { bearerToken, type TokenVerifier, type VerifiedToken } from './auth.js';

/** An onRequest hook that admits only a valid access token and sets `request.user`. */
export function authenticate(verifier: TokenVerifier) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      throw new AppError('unauthorized', 'missing bearer token', {
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    const user = await verifier.verify(token);
    request.user = user;
    request.ctx.userId = user.userId;
  };
}

/** The authenticated user of a request that passed `authenticate`. */
export function requireUser(request: FastifyRequest): VerifiedToken {
  if (!request.user) throw new AppError('unauthorized', 'authentication required');
  return request.user;
}
