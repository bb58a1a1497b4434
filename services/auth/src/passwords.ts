import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';

// A const enum in the binding's types; its runtime object is empty, so use the value.
const ARGON2ID: Algorithm = 2;

export interface Argon2Params {
  memoryKib: number;
  iterations: number;
  parallelism: number;
}

/**
 * Unicode passwords are compared after NFKC normalisation (NIST 800-63B §5.1.1.2), so the
 * same password typed on two keyboards that compose characters differently still matches.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Hashes and verifies passwords with argon2id at the configured cost. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies against a stored hash, or against a dummy hash when there is none (same cost). */
  verify(stored: string | null | undefined, password: string): Promise<boolean>;
  /** True when a stored hash was made with other parameters than today's. */
  needsRehash(stored: string): boolean;
}

export async function createPasswordHasher(params: Argon2Params): Promise<PasswordHasher> {
  const options = {
    algorithm: ARGON2ID,
    memoryCost: params.memoryKib,
    timeCost: params.iterations,
    parallelism: params.parallelism,
    outputLen: 32,
  };
  // Verifying an unknown account against this costs what verifying a real one costs, so
  // response timing does not tell whether an email is registered.
  const dummy = await hash('meridian-dummy-password', options);
  return {
    hash: (password) => hash(normalizePassword(password), options),
    async verify(stored, password) {
      const normalized = normalizePassword(password);
      if (!stored) {
        await verify(dummy, normalized).catch(() => false);
        return false;
      }
      try {
        return await verify(stored, normalized);
      } catch {
        return false;
      }
    },
    needsRehash(stored) {
      try {
        const p = parseOptions(stored);
        return (
          p.algorithm !== ARGON2ID ||
          p.memoryCost !== params.memoryKib ||
          p.timeCost !== params.iterations ||
          p.parallelism !== params.parallelism
        );
      } catch {
        return true;
      }
    },
  };
}
