import { randomBytes } from 'node:crypto';

/**
 * Personal API keys look like `mrd_<lookup>_<secret>`: a 64-bit public lookup id that finds
 * the row, and a 256-bit secret stored only as its SHA-256. Hex keeps the key one "word"
 * (double-click selects it) and makes it easy to spot in secret scanners.
 */
const API_KEY = /^mrd_([0-9a-f]{16})_([0-9a-f]{64})$/;

export interface NewApiKey {
  lookup: string;
  secret: string;
  key: string;
}

export function newApiKey(): NewApiKey {
  const lookup = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('hex');
  return { lookup, secret, key: `mrd_${lookup}_${secret}` };
}

export function parseApiKey(key: string): { lookup: string; secret: string } | undefined {
  const m = API_KEY.exec(key.trim());
  return m && m[1] && m[2] ? { lookup: m[1], secret: m[2] } : undefined;
}

export function apiKeyPrefix(lookup: string): string {
  return `mrd_${lookup}`;
}

/** Default scopes of a key created without any. */
export const DEFAULT_API_KEY_SCOPES = ['read'] as const;
