import { AppError, uuidv7, type VerifiedToken } from '@meridian/platform';
import type { SessionDto } from '@meridian/contracts';
import type { Kysely } from 'kysely';
import { ALL_SCOPES } from './access-tokens.js';
import { addSeconds } from './clock.js';
import type { AuthDatabase, SessionRow } from './database.js';
import type { AuthDeps, ClientMeta } from './deps.js';
import { randomToken, sha256Hex } from './secrets.js';
import {
  findRefreshTokenForUpdate,
  findUserSession,
  insertRefreshToken,
  insertSession,
  listLiveSessions,
  markRefreshTokenUsed,
  revokeOtherSessions,
  revokeSession,
  revokeUserSession,
  touchSession,
} from './sessions.repository.js';

export type SessionMethod = 'password' | 'oidc';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

const USER_AGENT_MAX = 512;

function clip(userAgent: string | null): string | null {
  return userAgent === null ? null : userAgent.slice(0, USER_AGENT_MAX);
}

function isLive(deps: AuthDeps, s: Pick<SessionRow, 'revoked_at' | 'expires_at' | 'last_used_at'>, now: Date) {
  return (
    s.revoked_at === null &&
    s.expires_at > now &&
    addSeconds(s.last_used_at, deps.settings.sessionIdleTtl) > now
  );
}

/**
 * Opens a session (a new refresh-token family) inside the caller's transaction and returns
 * its first refresh token. The access token is signed after commit by {@link issuePair}.
 */
export async function openSession(
  deps: AuthDeps,
  trx: Kysely<AuthDatabase>,
  userId: string,
  method: SessionMethod,
  meta: ClientMeta,
): Promise<{ sessionId: string; refreshToken: string }> {
  const now = deps.clock();
  const sessionId = uuidv7();
  await insertSession(trx, {
    id: sessionId,
    user_id: userId,
    method,
    created_at: now,
    last_used_at: now,
    expires_at: addSeconds(now, deps.settings.sessionAbsoluteTtl),
    revoked_at: null,
    revoked_reason: null,
    user_agent: clip(meta.userAgent),
    ip: meta.ip,
  });
  const refreshToken = randomToken();
  await insertRefreshToken(trx, { id: uuidv7(), session_id: sessionId, token_hash: sha256Hex(refreshToken), created_at: now });
  return { sessionId, refreshToken };
}

/** Signs the access token that goes with a refresh token. */
export async function issuePair(
  deps: AuthDeps,
  user: { id: string; email: string },
  sessionId: string,
  refreshToken: string,
): Promise<TokenPair> {
  const access = await deps.tokens.issue({ userId: user.id, email: user.email, sessionId, scopes: ALL_SCOPES });
  return { accessToken: access.token, refreshToken, expiresIn: access.expiresIn, tokenType: 'Bearer' };
}

const invalidRefresh = () => new AppError('invalid_token', 'refresh token is invalid or expired');

/**
 * Rotates a refresh token. A token that was already rotated is a sign of theft: the whole
 * family (session) is revoked and the caller gets 401, as does whoever holds the newer token.
 */
export async function refresh(deps: AuthDeps, refreshToken: string, meta: ClientMeta): Promise<TokenPair> {
  const now = deps.clock();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const row = await findRefreshTokenForUpdate(trx, sha256Hex(refreshToken));
    if (!row) return { kind: 'invalid' as const };
    if (row.used_at !== null) {
      await revokeSession(trx, row.session_id, 'refresh_token_reuse', now);
      return { kind: 'reuse' as const, sessionId: row.session_id, userId: row.user_id };
    }
    if (!isLive(deps, row, now)) return { kind: 'invalid' as const };
    if ((await markRefreshTokenUsed(trx, row.token_id, now)) === 0) {
      await revokeSession(trx, row.session_id, 'refresh_token_reuse', now);
      return { kind: 'reuse' as const, sessionId: row.session_id, userId: row.user_id };
    }
    const next = randomToken();
    await insertRefreshToken(trx, { id: uuidv7(), session_id: row.session_id, token_hash: sha256Hex(next), created_at: now });
    await touchSession(trx, row.session_id, now, { userAgent: clip(meta.userAgent), ip: meta.ip });
    return { kind: 'ok' as const, user: { id: row.user_id, email: row.email }, sessionId: row.session_id, next };
  });
  switch (outcome.kind) {
    case 'invalid':
      throw invalidRefresh();
    case 'reuse':
      deps.logger.warn(
        { sessionId: outcome.sessionId, userId: outcome.userId, ip: meta.ip },
        'refresh token reuse: session revoked',
      );
      throw new AppError('invalid_token', 'refresh token was already used; the session has been revoked');
    case 'ok':
      return issuePair(deps, outcome.user, outcome.sessionId, outcome.next);
  }
}

/**
 * Ends the session of a refresh token, or else of the caller's access token. An unknown
 * refresh token is not an error (RFC 7009 §2.2): the outcome the caller wants holds.
 */
export async function logout(
  deps: AuthDeps,
  input: { refreshToken?: string | undefined; user?: VerifiedToken | undefined },
): Promise<void> {
  const now = deps.clock();
  if (input.refreshToken) {
    const token = input.refreshToken;
    await deps.db.transaction().execute(async (trx) => {
      const row = await findRefreshTokenForUpdate(trx, sha256Hex(token));
      if (row) await revokeSession(trx, row.session_id, 'logout', now);
    });
    return;
  }
  if (input.user?.sessionId) {
    await revokeUserSession(deps.db, input.user.userId, input.user.sessionId, 'logout', now);
    return;
  }
  throw new AppError('unauthorized', 'send the refresh token in the body or an access token of the session');
}

/**
 * Admits only an access token of a live interactive session: tokens exchanged for API keys
 * (no `sid`) and tokens whose session was revoked cannot manage the account.
 */
export async function requireLiveSession(deps: AuthDeps, user: VerifiedToken): Promise<SessionRow> {
  if (!user.sessionId) {
    throw new AppError('forbidden', 'this needs a signed-in session; API-key tokens cannot manage the account');
  }
  const session = await findUserSession(deps.db, user.userId, user.sessionId);
  if (!session || !isLive(deps, session, deps.clock())) {
    throw new AppError('invalid_token', 'the session of this access token has ended');
  }
  return session;
}

export async function listSessions(deps: AuthDeps, user: VerifiedToken): Promise<SessionDto[]> {
  await requireLiveSession(deps, user);
  const now = deps.clock();
  const rows = await listLiveSessions(deps.db, user.userId, now, addSeconds(now, -deps.settings.sessionIdleTtl));
  return rows.map((s) => ({
    id: s.id,
    createdAt: s.created_at.toISOString(),
    lastUsedAt: s.last_used_at.toISOString(),
    expiresAt: s.expires_at.toISOString(),
    method: s.method === 'oidc' ? 'oidc' : 'password',
    userAgent: s.user_agent,
    ip: s.ip,
    current: s.id === user.sessionId,
  }));
}

/** Revokes one of the caller's own sessions; another user's id is simply not found. */
export async function revokeOwnSession(deps: AuthDeps, user: VerifiedToken, sessionId: string): Promise<void> {
  await requireLiveSession(deps, user);
  const changed = await revokeUserSession(deps.db, user.userId, sessionId, 'revoked_by_user', deps.clock());
  if (changed === 0) throw new AppError('not_found', 'no such session');
}

/** Revokes every session of a user but `keep` (after a password change, 2FA change…). */
export function revokeAllOtherSessions(
  deps: AuthDeps,
  trx: Kysely<AuthDatabase>,
  userId: string,
  keep: string | undefined,
  reason: string,
): Promise<number> {
  return revokeOtherSessions(trx, userId, keep, reason, deps.clock());
}
