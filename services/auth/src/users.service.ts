import type { MeDto, UserDto } from '@meridian/contracts';
import { AppError, uuidv7, type VerifiedToken } from '@meridian/platform';
import { isUniqueViolation } from './db-errors.js';
import type { AuthDeps, ClientMeta } from './deps.js';
import { checkPassword } from './password-policy.js';
import { confirmPassword } from './reauth.js';
import { requireLiveSession, revokeAllOtherSessions } from './sessions.service.js';
import { isTotpEnabled, verifySecondFactor } from './totp.service.js';
import { deleteUser, findAccountSummary, findUserById, insertUser, updatePasswordHash } from './users.repository.js';

/** Applies the password policy; a weak password is a 422 whose details name the problem. */
export function assertPasswordAcceptable(deps: AuthDeps, password: string, email: string): void {
  const verdict = checkPassword(password, { minLength: deps.settings.passwordMinLength, email });
  if (!verdict.ok) {
    throw new AppError('unprocessable', verdict.message, { details: { field: 'password', reason: verdict.problem } });
  }
}

/** Creates a password account and announces it (`auth.user.registered`) in one transaction. */
export async function register(
  deps: AuthDeps,
  input: { email: string; password: string },
  meta: ClientMeta,
): Promise<UserDto> {
  await deps.limits.register.check(meta.ip);
  assertPasswordAcceptable(deps, input.password, input.email);
  await deps.limits.register.hit(meta.ip);
  const passwordHash = await deps.passwords.hash(input.password);
  const id = uuidv7();
  const now = deps.clock();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await insertUser(trx, { id, email: input.email, password_hash: passwordHash, now });
      await deps.outbox.enqueue(
        trx,
        'auth.user.registered',
        { userId: id, email: input.email, registeredAt: now.toISOString() },
        { subject: id },
      );
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', 'an account with this email already exists');
    throw err;
  }
  return { id, email: input.email };
}

export async function getMe(deps: AuthDeps, token: VerifiedToken): Promise<MeDto> {
  const account = await findAccountSummary(deps.db, token.userId);
  if (!account) throw new AppError('invalid_token', 'the account no longer exists');
  return {
    id: account.id,
    email: account.email,
    createdAt: account.created_at.toISOString(),
    twoFactorEnabled: account.totp_confirmed_at !== null,
    hasPassword: account.password_hash !== null,
  };
}

/** Changes the password and signs out every other session. */
export async function changePassword(
  deps: AuthDeps,
  token: VerifiedToken,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const session = await requireLiveSession(deps, token);
  const user = await findUserById(deps.db, token.userId);
  if (!user) throw new AppError('invalid_token', 'the account no longer exists');
  if (user.password_hash === null) {
    throw new AppError('unprocessable', 'this account signs in through an identity provider and has no password');
  }
  await confirmPassword(deps, user, input.currentPassword, session);
  assertPasswordAcceptable(deps, input.newPassword, user.email);
  const hash = await deps.passwords.hash(input.newPassword);
  await deps.db.transaction().execute(async (trx) => {
    await updatePasswordHash(trx, user.id, hash, deps.clock());
    await revokeAllOtherSessions(deps, trx, user.id, session.id, 'password_changed');
  });
}

/**
 * Deletes the account and everything auth holds about it, and publishes `auth.user.deleted`
 * in the same transaction so the other services erase their data too.
 */
export async function deleteAccount(
  deps: AuthDeps,
  token: VerifiedToken,
  input: { password?: string | undefined; totp?: string | undefined },
): Promise<void> {
  const session = await requireLiveSession(deps, token);
  const user = await findUserById(deps.db, token.userId);
  if (!user) throw new AppError('invalid_token', 'the account no longer exists');
  await confirmPassword(deps, user, input.password, session);
  const twoFactor = await isTotpEnabled(deps, user.id);
  if (twoFactor && !input.totp) {
    throw new AppError('totp_required', 'enter the code from your authenticator app to delete the account');
  }
  if (twoFactor && !(await verifySecondFactor(deps, deps.db, user.id, input.totp ?? ''))) {
    await deps.limits.account.hit(user.email);
    throw new AppError('invalid_credentials', 'the two-factor code is incorrect');
  }
  await deps.db.transaction().execute(async (trx) => {
    if ((await deleteUser(trx, user.id)) === 0) throw new AppError('not_found', 'the account no longer exists');
    await deps.outbox.enqueue(
      trx,
      'auth.user.deleted',
      { userId: user.id, deletedAt: deps.clock().toISOString() },
      { subject: user.id },
    );
  });
}
