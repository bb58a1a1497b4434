import { dictionary } from '@zxcvbn-ts/language-common';
import { normalizePassword } from './passwords.js';

/**
 * The password policy, after NIST SP 800-63B: a minimum length (12 by default), a generous
 * maximum, any characters (spaces and emoji too), no composition rules, no expiry; instead,
 * reject what attackers try first: passwords from a breached/common list (the ~49,000 most
 * common passwords bundled with zxcvbn-ts, also with digits or symbols stuck on either end),
 * repetitive or sequential strings, and context words (the email's local part, the product name).
 */
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordProblem =
  | 'too_short'
  | 'too_long'
  | 'common'
  | 'repetitive'
  | 'sequential'
  | 'contains_email'
  | 'contains_service_name';

export type PolicyResult = { ok: true } | { ok: false; problem: PasswordProblem; message: string };

const common: ReadonlySet<string> = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
const CONTEXT_WORDS = ['meridian'];

/** Length in user-perceived characters is hard; code points after NFKC is what NIST asks for. */
function lengthOf(password: string): number {
  return [...password].length;
}

function isRepetitive(p: string): boolean {
  const chars = [...p];
  const n = chars.length;
  // "aaaaaaaaaaaa", "abcabcabcabc", "passwordpassword": a shorter unit repeated.
  for (let unit = 1; unit <= n / 2; unit++) {
    if (n % unit !== 0) continue;
    let repeats = true;
    for (let i = unit; i < n && repeats; i++) repeats = chars[i] === chars[i - unit];
    if (repeats) return true;
  }
  // Twelve or more characters drawn from three or fewer distinct ones.
  return new Set(chars).size <= 3;
}

function isSequential(p: string): boolean {
  const codes = [...p].map((c) => c.codePointAt(0) ?? 0);
  if (codes.length < 3) return false;
  // "abcdefghijkl", "123456789012", "zyxwvutsrqpo": every step +1 (0 follows 9) or every step -1.
  const step = (a: number, b: number) => {
    if (a === 0x39 && b === 0x30) return 1;
    if (a === 0x30 && b === 0x39) return -1;
    return b - a;
  };
  const first = step(codes[0]!, codes[1]!);
  if (first !== 1 && first !== -1) return false;
  for (let i = 2; i < codes.length; i++) if (step(codes[i - 1]!, codes[i]!) !== first) return false;
  return true;
}

function isCommon(lower: string): boolean {
  if (common.has(lower)) return true;
  // "password2024!", "!!dragon!!": a listed word padded with digits and symbols.
  const core = lower.replace(/^[\p{N}\p{P}\p{S}\s]+|[\p{N}\p{P}\p{S}\s]+$/gu, '');
  if (core.length >= 4 && core !== lower && common.has(core)) return true;
  // "qwertyqwerty": a listed word repeated.
  for (let unit = 4; unit <= lower.length / 2; unit++) {
    if (lower.length % unit === 0 && lower === lower.slice(0, unit).repeat(lower.length / unit)) {
      return common.has(lower.slice(0, unit));
    }
  }
  return false;
}

/**
 * Checks a new password. `email` supplies a context word (its local part); messages are
 * written to be shown to the person choosing the password.
 */
export function checkPassword(
  password: string,
  options: { minLength: number; email?: string | undefined },
): PolicyResult {
  const normalized = normalizePassword(password);
  const length = lengthOf(normalized);
  if (length < options.minLength) {
    return {
      ok: false,
      problem: 'too_short',
      message: `Use at least ${options.minLength} characters; a few unrelated words make a long password that is easy to remember.`,
    };
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return { ok: false, problem: 'too_long', message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  }
  const lower = normalized.toLowerCase();
  if (isCommon(lower)) {
    return {
      ok: false,
      problem: 'common',
      message: 'This password is on a list of common or breached passwords that attackers try first; choose another.',
    };
  }
  if (isRepetitive(lower)) {
    return { ok: false, problem: 'repetitive', message: 'This password repeats the same few characters; choose another.' };
  }
  if (isSequential(lower)) {
    return { ok: false, problem: 'sequential', message: 'This password is a simple sequence of characters; choose another.' };
  }
  const local = options.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 3 && lower.includes(local)) {
    return { ok: false, problem: 'contains_email', message: 'The password must not contain your email address or its name part.' };
  }
  if (CONTEXT_WORDS.some((w) => lower.includes(w))) {
    return { ok: false, problem: 'contains_service_name', message: 'The password must not contain the name of this service.' };
  }
  return { ok: true };
}
