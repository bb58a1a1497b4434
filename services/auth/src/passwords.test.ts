import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { ARGON2_OWASP } from './config.js';
import { createPasswordHasher } from './passwords.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

describe('password hashing', () => {
  it('hashes with argon2id at the OWASP parameters by default and verifies', async () => {
    const hasher = await createPasswordHasher(ARGON2_OWASP);
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(stored, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(stored, 'correct horse battery stapler')).toBe(false);
  });

  it('matches a password typed in another Unicode normal form', async () => {
    const hasher = await createPasswordHasher({ memoryKib: 64, iterations: 1, parallelism: 1 });
    const composed = 'caf\u00e9 au lait s\u2019il vous pla\u00eet';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(await hasher.verify(await hasher.hash(composed), decomposed)).toBe(true);
  });

  it('fails closed on a missing or corrupt hash', async () => {
    const hasher = await createPasswordHasher({ memoryKib: 64, iterations: 1, parallelism: 1 });
    expect(await hasher.verify(null, 'anything at all')).toBe(false);
    expect(await hasher.verify(undefined, 'anything at all')).toBe(false);
    expect(await hasher.verify('not-a-hash', 'anything at all')).toBe(false);
  });

  it('asks for a rehash when the stored parameters differ from the configured ones', async () => {
    const hasher = await createPasswordHasher({ memoryKib: 64, iterations: 1, parallelism: 1 });
    expect(hasher.needsRehash(await hasher.hash('a long enough password'))).toBe(false);
    expect(hasher.needsRehash(await hash('a long enough password', { memoryCost: 32, timeCost: 1 }))).toBe(true);
    expect(hasher.needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true);
  });

  it('spends a full argon2 verification on an unknown account (the dummy hash), not a shortcut', async () => {
    const hasher = await createPasswordHasher(ARGON2_OWASP);
    const stored = await hasher.hash('correct horse battery staple');
    const real: number[] = [];
    const dummy: number[] = [];
    for (let i = 0; i < 5; i++) {
      real.push(await timed(() => hasher.verify(stored, 'wrong password guess')));
      dummy.push(await timed(() => hasher.verify(null, 'wrong password guess')));
    }
    // Same cost by construction; the loose bound only guards against an early return.
    expect(median(dummy)).toBeGreaterThan(median(real) * 0.4);
  });
});
