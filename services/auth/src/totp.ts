import { randomHumanCode } from './secrets.js';

/** TOTP parameters every authenticator app understands (RFC 6238 defaults). */
export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
/** Accept the previous and the next 30-second step, for clock drift between phone and server. */
export const TOTP_TOLERANCE_SECONDS = 30;
export const RECOVERY_CODE_COUNT = 10;
/** 16 symbols of 32 = 80 random bits each: a fast hash is enough to store them. */
const RECOVERY_CODE_LENGTH = 16;

export type SecondFactorInput = { kind: 'totp'; code: string } | { kind: 'recovery'; code: string } | { kind: 'invalid' };

/** Tells a six-digit TOTP code from a recovery code (dashes, spaces and case ignored). */
export function parseSecondFactor(input: string): SecondFactorInput {
  const compact = input.replace(/[\s-]/g, '').toLowerCase();
  if (/^\d{6}$/.test(compact)) return { kind: 'totp', code: compact };
  if (/^[a-z2-9]{16}$/.test(compact)) return { kind: 'recovery', code: compact };
  return { kind: 'invalid' };
}

/** A new recovery code, formatted `xxxx-xxxx-xxxx-xxxx`. */
export function newRecoveryCode(): string {
  return (randomHumanCode(RECOVERY_CODE_LENGTH).match(/.{4}/g) ?? []).join('-');
}
