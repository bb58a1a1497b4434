import { AppError } from '@meridian/platform';
import { addSeconds } from './clock.js';
import type { SessionRow, UserRow } from './database.js';
import type { AuthDeps } from './deps.js';

/** How recent an OIDC sign-in must be to stand in for a password confirmation. */
export const RECENT_SIGN_IN_SECONDS = 600;

/**
 * Confirms the person at the keyboard before a sensitive change (password, two-factor,
 * account deletion). Password accounts type their password (failures count towards the
 * same per-account lockout as sign-in). Accounts without a password (OIDC only) must have
 * signed in within the last ten minutes.
 */
export async function confirmPassword(
  deps: AuthDeps,
  user: UserRow,
  password: string | undefined,
  session: SessionRow,
): Promise<void> {
  if (user.password_hash === null) {
    if (addSeconds(session.created_at, RECENT_SIGN_IN_SECONDS) < deps.clock()) {
      throw new AppError('forbidden', 'sign in again with your identity provider to confirm this change');
    }
    return;
  }
  if (password === undefined || password === '') {
    throw new AppError('validation_failed', 'password: your current password is required');
  }
  await deps.limits.account.check(user.email);
  if (!(await deps.passwords.verify(user.password_hash, password))) {
    await deps.limits.account.hit(user.email);
    throw new AppError('invalid_credentials', 'the password is incorrect');
  }
}
