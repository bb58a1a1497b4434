import { emailSchema } from '@meridian/contracts';
import { AppError, uuidv7 } from '@meridian/platform';
import * as client from 'openid-client';
import { addSeconds } from './clock.js';
import type { UserRow } from './database.js';
import { isUniqueViolation } from './db-errors.js';
import type { AuthDeps, ClientMeta } from './deps.js';
import type { OidcClaims, OidcClient } from './oidc.client.js';
import {
  consumeLoginCode,
  findIdentity,
  findLoginCode,
  insertFlow,
  insertIdentity,
  insertLoginCode,
  takeFlow,
  touchIdentity,
} from './oidc.repository.js';
import { digestsEqual, randomToken, sha256Hex } from './secrets.js';
import { issuePair, openSession, type TokenPair } from './sessions.service.js';
import { isTotpEnabled, verifySecondFactor } from './totp.service.js';
import { findUserByEmail, findUserById, insertUser } from './users.repository.js';

/** How long the provider round trip may take. */
const FLOW_TTL_SECONDS = 600;
/** How long the browser has to exchange the one-time code the callback hands it. */
const LOGIN_CODE_TTL_SECONDS = 120;

/**
 * Why a callback failed, as the web app receives it in `#error=`; never more detail than
 * a person needs, since the URL may end up in browser history.
 */
export type OidcFailure =
  | 'invalid_request'
  | 'invalid_state'
  | 'access_denied'
  | 'provider_error'
  | 'email_required'
  | 'email_not_verified';

export class OidcCallbackError extends Error {
  constructor(
    readonly reason: OidcFailure,
    options?: { cause?: unknown },
  ) {
    super(`OpenID Connect sign-in failed: ${reason}`, options);
    this.name = 'OidcCallbackError';
  }
}

export function requireOidc(deps: AuthDeps): OidcClient {
  if (!deps.oidc) throw new AppError('not_found', 'sign-in with an identity provider is not configured');
  return deps.oidc;
}

/**
 * Begins a sign-in: a fresh state, nonce and PKCE verifier are stored server-side under the
 * state's hash, bound to a random browser secret that goes into an HttpOnly cookie. The
 * callback must come back with both, so a code obtained in another browser (login CSRF)
 * is refused.
 */
export async function startOidc(deps: AuthDeps): Promise<{ location: string; binding: string }> {
  const oidc = requireOidc(deps);
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  const binding = randomToken();
  const location = await oidc.authorizationUrl({ state, nonce, codeVerifier });
  const now = deps.clock();
  await insertFlow(deps.db, {
    state_hash: sha256Hex(state),
    binding_hash: sha256Hex(binding),
    code_verifier: codeVerifier,
    nonce,
    created_at: now,
    expires_at: addSeconds(now, FLOW_TTL_SECONDS),
  });
  return { location: location.href, binding };
}

/**
 * Finds the account of an external identity: by issuer + subject first; else links to the
 * account with the same email only when the provider says that email is verified; else
 * creates an account without a password (and publishes `auth.user.registered`).
 */
async function resolveUser(deps: AuthDeps, claims: OidcClaims): Promise<UserRow> {
  const now = deps.clock();
  const known = await findIdentity(deps.db, claims.issuer, claims.subject);
  const parsedEmail = claims.email === undefined ? undefined : emailSchema.safeParse(claims.email);
  const email = parsedEmail?.success ? parsedEmail.data : undefined;
  if (known) {
    await touchIdentity(deps.db, known.id, email ?? known.email, now);
    const user = await findUserById(deps.db, known.user_id);
    if (user) return user;
  }
  if (!email) throw new OidcCallbackError('email_required');
  const existing = await findUserByEmail(deps.db, email);
  if (existing && !claims.emailVerified) throw new OidcCallbackError('email_not_verified');
  return deps.db.transaction().execute(async (trx) => {
    let user = existing;
    if (!user) {
      const id = uuidv7();
      await insertUser(trx, { id, email, password_hash: null, now });
      await deps.outbox.enqueue(trx, 'auth.user.registered', { userId: id, email, registeredAt: now.toISOString() }, { subject: id });
      user = { id, email, password_hash: null, created_at: now, updated_at: now };
    }
    await insertIdentity(trx, {
      id: uuidv7(),
      user_id: user.id,
      issuer: claims.issuer,
      subject: claims.subject,
      email,
      created_at: now,
      last_login_at: now,
    });
    return user;
  });
}

/**
 * Handles the provider's redirect: checks state (one use), the browser binding, the code
 * (PKCE, nonce, ID token signature via openid-client), resolves the account, and returns
 * a one-time sign-in code for the web app. Failures are {@link OidcCallbackError}s.
 */
export async function completeOidc(
  deps: AuthDeps,
  input: { search: string; state: string | undefined; error: string | undefined; binding: string | undefined },
): Promise<string> {
  const oidc = requireOidc(deps);
  if (!input.state) throw new OidcCallbackError('invalid_request');
  const now = deps.clock();
  const flow = await takeFlow(deps.db, sha256Hex(input.state));
  if (!flow || flow.expires_at <= now) throw new OidcCallbackError('invalid_state');
  if (!input.binding || !digestsEqual(flow.binding_hash, sha256Hex(input.binding))) {
    throw new OidcCallbackError('invalid_state');
  }
  if (input.error) throw new OidcCallbackError(input.error === 'access_denied' ? 'access_denied' : 'provider_error');
  let claims: OidcClaims;
  try {
    claims = await oidc.complete(input.search, { state: input.state, nonce: flow.nonce, codeVerifier: flow.code_verifier });
  } catch (err) {
    deps.logger.warn({ err }, 'OpenID Connect code exchange failed');
    throw new OidcCallbackError('provider_error', { cause: err });
  }
  let user: UserRow;
  try {
    user = await resolveUser(deps, claims);
  } catch (err) {
    // Two first sign-ins of one identity at once: the other request created it.
    if (!isUniqueViolation(err)) throw err;
    user = await resolveUser(deps, claims);
  }
  const code = randomToken();
  await insertLoginCode(deps.db, {
    code_hash: sha256Hex(code),
    user_id: user.id,
    binding_hash: flow.binding_hash,
    created_at: now,
    expires_at: addSeconds(now, LOGIN_CODE_TTL_SECONDS),
  });
  return code;
}

/**
 * Trades the one-time code for a token pair. Only the browser that started the flow (its
 * binding cookie) can; the code is spent only on success, so a `totp_required` answer can
 * be followed by a retry with the code from the authenticator app.
 */
export async function exchangeOidcCode(
  deps: AuthDeps,
  input: { code: string; totp?: string | undefined },
  binding: string | undefined,
  meta: ClientMeta,
): Promise<TokenPair> {
  requireOidc(deps);
  await deps.limits.exchange.check(meta.ip);
  const codeHash = sha256Hex(input.code);
  const row = await findLoginCode(deps.db, codeHash, deps.clock());
  if (!row || !binding || !digestsEqual(row.binding_hash, sha256Hex(binding))) {
    await deps.limits.exchange.hit(meta.ip);
    throw new AppError('invalid_credentials', 'the sign-in code is invalid or expired; sign in again');
  }
  if (await isTotpEnabled(deps, row.user_id)) {
    if (!input.totp) throw new AppError('totp_required', 'enter the code from your authenticator app');
    await deps.limits.account.check(row.email);
    if (!(await verifySecondFactor(deps, deps.db, row.user_id, input.totp))) {
      await deps.limits.account.hit(row.email);
      throw new AppError('invalid_credentials', 'the two-factor code is incorrect');
    }
  }
  await deps.keys.signingKey();
  const opened = await deps.db.transaction().execute(async (trx) => {
    if ((await consumeLoginCode(trx, codeHash, deps.clock())) === 0) return undefined;
    return openSession(deps, trx, row.user_id, 'oidc', meta);
  });
  if (!opened) throw new AppError('invalid_credentials', 'the sign-in code is invalid or expired; sign in again');
  return issuePair(deps, { id: row.user_id, email: row.email }, opened.sessionId, opened.refreshToken);
}
