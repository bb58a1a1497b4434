import { AppError, uuidv7, type VerifiedToken } from '@meridian/platform';
import type { Kysely } from 'kysely';
import { generateSecret, generateURI, verify } from 'otplib';
import type { AuthDatabase, SessionRow, TotpRow, UserRow } from './database.js';
import type { AuthDeps } from './deps.js';
import { confirmPassword } from './reauth.js';
import { sha256Hex } from './secrets.js';
import { requireLiveSession } from './sessions.service.js';
import {
  advanceTimeStep,
  confirmTotp,
  deleteTotp,
  findTotp,
  replaceRecoveryCodes,
  savePendingTotp,
  useRecoveryCode,
} from './totp.repository.js';
import {
  RECOVERY_CODE_COUNT,
  TOTP_DIGITS,
  TOTP_PERIOD,
  TOTP_TOLERANCE_SECONDS,
  newRecoveryCode,
  parseSecondFactor,
} from './totp.js';
import { findUserById } from './users.repository.js';

const secretContext = (userId: string) => `auth:totp:${userId}`;

async function checkCode(
  deps: AuthDeps,
  row: TotpRow,
  code: string,
): Promise<number | undefined> {
  const secret = await deps.cipher.decryptString(row.secret, secretContext(row.user_id));
  const result = await verify({
    secret,
    token: code,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
    epoch: Math.floor(deps.clock().getTime() / 1000),
    epochTolerance: TOTP_TOLERANCE_SECONDS,
    ...(row.last_time_step !== null ? { afterTimeStep: Number(row.last_time_step) } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

export async function isTotpEnabled(deps: AuthDeps, userId: string): Promise<boolean> {
  const row = await findTotp(deps.db, userId);
  return row !== undefined && row.confirmed_at !== null;
}

/**
 * Checks a TOTP code or a recovery code for a user with two-factor on, and spends it: a TOTP
 * time step is accepted once (a replayed code fails), a recovery code once.
 */
export async function verifySecondFactor(
  deps: AuthDeps,
  db: Kysely<AuthDatabase>,
  userId: string,
  input: string,
): Promise<boolean> {
  const parsed = parseSecondFactor(input);
  switch (parsed.kind) {
    case 'invalid':
      return false;
    case 'recovery':
      return (await useRecoveryCode(db, userId, sha256Hex(parsed.code), deps.clock())) === 1;
    case 'totp': {
      const row = await findTotp(db, userId);
      if (!row || row.confirmed_at === null) return false;
      const step = await checkCode(deps, row, parsed.code);
      return step !== undefined && (await advanceTimeStep(db, userId, step)) === 1;
    }
  }
}

async function newRecoveryCodes(deps: AuthDeps, trx: Kysely<AuthDatabase>, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await replaceRecoveryCodes(
    trx,
    userId,
    codes.map((c) => ({ id: uuidv7(), hash: sha256Hex(c.replace(/-/g, '')) })),
    deps.clock(),
  );
  return codes;
}

async function loadAccount(deps: AuthDeps, token: VerifiedToken) {
  const session = await requireLiveSession(deps, token);
  const user = await findUserById(deps.db, token.userId);
  if (!user) throw new AppError('invalid_token', 'the account no longer exists');
  return { session, user };
}

/** Starts enrolment: a new secret, shown once, that takes effect only when confirmed. */
export async function enrollTotp(
  deps: AuthDeps,
  token: VerifiedToken,
  password: string | undefined,
): Promise<{ secret: string; otpauthUri: string }> {
  const { session, user } = await loadAccount(deps, token);
  await confirmPassword(deps, user, password, session);
  if (await isTotpEnabled(deps, user.id)) {
    throw new AppError('conflict', 'two-factor authentication is already on; turn it off first to enrol a new device');
  }
  const secret = generateSecret({ length: 20 });
  await savePendingTotp(deps.db, user.id, await deps.cipher.encrypt(secret, secretContext(user.id)), deps.clock());
  const otpauthUri = generateURI({
    issuer: deps.settings.totpIssuer,
    label: user.email,
    secret,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
  });
  return { secret, otpauthUri };
}

/** Turns two-factor on once the app shows a matching code; returns the recovery codes (once). */
export async function confirmTotpEnrollment(deps: AuthDeps, token: VerifiedToken, code: string): Promise<string[]> {
  const { user } = await loadAccount(deps, token);
  const row = await findTotp(deps.db, user.id);
  if (!row) throw new AppError('conflict', 'start with POST /totp/enroll');
  if (row.confirmed_at !== null) throw new AppError('conflict', 'two-factor authentication is already on');
  const parsed = parseSecondFactor(code);
  const step = parsed.kind === 'totp' ? await checkCode(deps, row, parsed.code) : undefined;
  if (step === undefined) throw new AppError('invalid_credentials', 'the code does not match; check the time on your device');
  return deps.db.transaction().execute(async (trx) => {
    if ((await confirmTotp(trx, user.id, step, deps.clock())) === 0) {
      throw new AppError('conflict', 'two-factor authentication is already on');
    }
    return newRecoveryCodes(deps, trx, user.id);
  });
}

async function confirmBoth(
  deps: AuthDeps,
  user: UserRow,
  session: SessionRow,
  input: { password?: string | undefined; code: string },
) {
  await confirmPassword(deps, user, input.password, session);
  if (!(await isTotpEnabled(deps, user.id))) throw new AppError('conflict', 'two-factor authentication is off');
  if (!(await verifySecondFactor(deps, deps.db, user.id, input.code))) {
    await deps.limits.account.hit(user.email);
    throw new AppError('invalid_credentials', 'the two-factor code is incorrect');
  }
}

/** Turns two-factor off: needs the password and a current code (or a recovery code). */
export async function disableTotp(
  deps: AuthDeps,
  token: VerifiedToken,
  input: { password?: string | undefined; code: string },
): Promise<void> {
  const { session, user } = await loadAccount(deps, token);
  await confirmBoth(deps, user, session, input);
  await deps.db.transaction().execute((trx) => deleteTotp(trx, user.id));
}

/** Replaces all recovery codes with ten new ones. */
export async function regenerateRecoveryCodes(
  deps: AuthDeps,
  token: VerifiedToken,
  input: { password?: string | undefined; code: string },
): Promise<string[]> {
  const { session, user } = await loadAccount(deps, token);
  await confirmBoth(deps, user, session, input);
  return deps.db.transaction().execute((trx) => newRecoveryCodes(deps, trx, user.id));
}
