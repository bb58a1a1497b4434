import { describe, expect, it } from 'vitest';
import { PASSWORD_MAX_LENGTH, checkPassword } from './password-policy.js';

const policy = { minLength: 12, email: 'alice.smith@example.com' };
const problem = (password: string, options: { minLength: number; email?: string } = policy) => {
  const r = checkPassword(password, options);
  return r.ok ? 'ok' : r.problem;
};

describe('password policy', () => {
  it('accepts a long passphrase without any composition rule', () => {
    expect(problem('correct horse battery staple')).toBe('ok');
    expect(problem('tangerine kayak forest')).toBe('ok');
  });

  it('accepts spaces, non-ASCII letters and emoji, counting code points', () => {
    expect(problem('über straße 🦊🦊 früh')).toBe('ok');
    expect(problem('🦊🐢🦉🐙🦋🐝🐞🦀🐬🦜🐿🦔')).toBe('ok');
  });

  it('rejects a password shorter than the minimum with a message naming the minimum', () => {
    const r = checkPassword('short pass', policy);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toBe('too_short');
    expect(!r.ok && r.message).toContain('12 characters');
  });

  it(`accepts ${PASSWORD_MAX_LENGTH} characters and rejects one more`, () => {
    const base = 'ab cd ef gh ij kl mn op qr st uv wx yz ';
    const long = base.repeat(10).slice(0, PASSWORD_MAX_LENGTH - 1) + '!';
    expect(problem(long)).toBe('ok');
    expect(problem(long + 'x')).toBe('too_long');
  });

  it('rejects passwords from the bundled common-password list, in any case', () => {
    expect(problem('1q2w3e4r5t6y')).toBe('common');
    expect(problem('QWERTY123456')).toBe('common');
    expect(problem('123qweasdzxc')).toBe('common');
  });

  it('rejects a common password padded with digits or symbols', () => {
    expect(problem('password2024!')).toBe('common');
    expect(problem('!!!sunshine!!!')).toBe('common');
    expect(problem('monkey12345678')).toBe('common');
  });

  it('rejects a common word repeated', () => {
    expect(problem('dragondragon')).toBe('common');
  });

  it('rejects repetitive and sequential strings', () => {
    expect(problem('aaaaaaaaaaaaaaa')).toBe('repetitive');
    expect(problem('xyzxyzxyzxyz')).toBe('repetitive');
    expect(problem('abababababababx')).toBe('repetitive');
    expect(problem('abcdefghijklmn')).toBe('sequential');
    expect(problem('890123456789')).toBe('sequential');
    expect(problem('zyxwvutsrqpon')).toBe('sequential');
  });

  it("rejects a password containing the email's local part", () => {
    expect(problem('my name is Alice.Smith ok')).toBe('contains_email');
  });

  it('rejects a password containing the service name', () => {
    expect(problem('i love Meridian so much')).toBe('contains_service_name');
  });

  it('applies the configured minimum length', () => {
    expect(problem('tangerine kayak', { minLength: 16, email: 'x@y.z' })).toBe('too_short');
    expect(problem('tangerine kayak!', { minLength: 16, email: 'x@y.z' })).toBe('ok');
  });

  it('measures length after Unicode normalisation', () => {
    // "ﬁ" (one code point) becomes "fi" under NFKC.
    expect(problem('ﬁﬁ tangerine', { minLength: 14 })).toBe('ok');
  });
});
