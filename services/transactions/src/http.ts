import { AppError, requireUser, type VerifiedToken } from '@meridian/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TransactionsDeps } from './deps.js';
import { idempotencyOf, runWrite, type Trx, type UserWrite, type WriteResult } from './writes.js';

/**
 * The signed-in user, if the token carries the scope: session tokens carry `read write`,
 * API-key tokens only the key's (default `read`).
 */
export function requireScope(request: FastifyRequest, scope: 'read' | 'write'): VerifiedToken {
  const user = requireUser(request);
  if (!user.scopes.includes(scope)) {
    throw new AppError('forbidden', `this token lacks the "${scope}" scope`);
  }
  return user;
}

/**
 * The body of a write route: checks the `write` scope, runs `fn` in one transaction with the
 * request's `Idempotency-Key`, and sends the (possibly replayed) response. `Meridian-Version`
 * carries the user's version after the write (see GET /version), for every status but errors.
 */
export async function handleWrite(
  deps: TransactionsDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  fn: (trx: Trx, w: UserWrite) => Promise<WriteResult>,
): Promise<FastifyReply> {
  const user = requireScope(request, 'write');
  const result = await runWrite(deps, user.userId, idempotencyOf(request), fn);
  if (result.replayed) void reply.header('idempotent-replayed', 'true');
  void reply.header('meridian-version', String(result.version));
  if (result.status === 204) return reply.status(204).send();
  return reply.status(result.status).send(result.body);
}
