import { AppError } from '@meridian/platform';
import type { AuthDeps, ClientMeta } from './deps.js';
import { issuePair, openSession, type TokenPair } from './sessions.service.js';
import { isTotpEnabled, verifySecondFactor } from './totp.service.js';
import { findUserByEmail, updatePasswordHash } from './users.repository.js';

/** One message for every credential failure, so responses never tell which part was wrong. */
export const INVALID_CREDENTIALS = 'email or password is incorrect';

/**
 * Signs in with email and password (and a TOTP or recovery code when two-factor is on).
 *
 * Unknown emails are verified against a dummy hash of the same cost and fail with the same
 * body as a wrong password. Failures count per account (keyed by the email, known or not)
 * and per client address; past the limit both answer 429 with Retry-After.
 */
export async function login(
  deps: AuthDeps,
  input: { email: string; password: string; totp?: string | undefined },
  meta: ClientMeta,
): Promise<TokenPair> {
  await deps.limits.ip.check(meta.ip);
  await deps.limits.account.check(input.email);
  const fail = async (message: string) => {
    await deps.limits.ip.hit(meta.ip);
    await deps.limits.account.hit(input.email);
    return new AppError('invalid_credentials', message);
  };

  const user = await findUserByEmail(deps.db, input.email);
  const ok = await deps.passwords.verify(user?.password_hash, input.password);
  if (!user || !ok) throw await fail(INVALID_CREDENTIALS);

  if (await isTotpEnabled(deps, user.id)) {
    if (!input.totp) throw new AppError('totp_required', 'enter the code from your authenticator app');
    if (!(await verifySecondFactor(deps, deps.db, user.id, input.totp))) {
      throw await fail('the two-factor code is incorrect');
    }
  }
  await deps.limits.account.reset(input.email);

  if (user.password_hash && deps.passwords.needsRehash(user.password_hash)) {
    // Cost parameters were raised since this hash was made: upgrade it while we have the password.
    await updatePasswordHash(deps.db, user.id, await deps.passwords.hash(input.password), deps.clock());
  }
  await deps.keys.signingKey();
  const { sessionId, refreshToken } = await deps.db
    .transaction()
    .execute((trx) => openSession(deps, trx, user.id, 'password', meta));
  return issuePair(deps, user, sessionId, refreshToken);
}
