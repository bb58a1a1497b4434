import { apiScope, type ApiKeyDto, type CreatedApiKeyDto, type CreateApiKeyBody } from '@meridian/contracts';
import { AppError, uuidv7, type VerifiedToken } from '@meridian/platform';
import type { IssuedAccessToken } from './access-tokens.js';
import {
  countApiKeys,
  deleteApiKey,
  findApiKeyByLookup,
  insertApiKey,
  listApiKeys,
  touchApiKey,
} from './api-keys.repository.js';
import { DEFAULT_API_KEY_SCOPES, apiKeyPrefix, newApiKey, parseApiKey } from './api-keys.js';
import type { ApiKeyRow } from './database.js';
import type { AuthDeps, ClientMeta } from './deps.js';
import { digestsEqual, sha256Hex } from './secrets.js';
import { requireLiveSession } from './sessions.service.js';

/** last_used_at is written at most this often per key, so busy scripts do not write per call. */
const TOUCH_INTERVAL_MS = 60_000;

function parseScopes(stored: string) {
  return stored
    .split(' ')
    .map((s) => apiScope.safeParse(s))
    .flatMap((r) => (r.success ? [r.data] : []));
}

function toDto(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: apiKeyPrefix(row.lookup),
    scopes: parseScopes(row.scopes),
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

export async function createApiKey(
  deps: AuthDeps,
  token: VerifiedToken,
  input: CreateApiKeyBody,
): Promise<CreatedApiKeyDto> {
  await requireLiveSession(deps, token);
  const now = deps.clock();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= now) throw new AppError('validation_failed', 'expiresAt: must be in the future');
  if ((await countApiKeys(deps.db, token.userId)) >= deps.settings.maxApiKeys) {
    throw new AppError('conflict', `at most ${deps.settings.maxApiKeys} API keys per account; delete one first`);
  }
  const key = newApiKey();
  const scopes = [...new Set(input.scopes ?? DEFAULT_API_KEY_SCOPES)];
  const row: ApiKeyRow = {
    id: uuidv7(),
    user_id: token.userId,
    lookup: key.lookup,
    secret_hash: sha256Hex(key.secret),
    name: input.name,
    scopes: scopes.join(' '),
    created_at: now,
    expires_at: expiresAt,
    last_used_at: null,
  };
  await insertApiKey(deps.db, row);
  return { ...toDto(row), key: key.key };
}

export async function listOwnApiKeys(deps: AuthDeps, token: VerifiedToken): Promise<ApiKeyDto[]> {
  await requireLiveSession(deps, token);
  return (await listApiKeys(deps.db, token.userId)).map(toDto);
}

export async function deleteOwnApiKey(deps: AuthDeps, token: VerifiedToken, id: string): Promise<void> {
  await requireLiveSession(deps, token);
  if ((await deleteApiKey(deps.db, token.userId, id)) === 0) throw new AppError('not_found', 'no such API key');
}

/**
 * Exchanges an API key for a short-lived access token carrying the key's scopes and no
 * session. The gateway calls this to admit API keys; it should cache the result until
 * shortly before `expiresIn`.
 */
export async function exchangeApiKey(deps: AuthDeps, apiKey: string, meta: ClientMeta): Promise<IssuedAccessToken> {
  await deps.limits.exchange.check(meta.ip);
  const parsed = parseApiKey(apiKey);
  const row = parsed ? await findApiKeyByLookup(deps.db, parsed.lookup) : undefined;
  const now = deps.clock();
  const valid =
    parsed !== undefined &&
    row !== undefined &&
    digestsEqual(row.secret_hash, sha256Hex(parsed.secret)) &&
    (row.expires_at === null || row.expires_at > now);
  if (!valid || !row) {
    await deps.limits.exchange.hit(meta.ip);
    throw new AppError('invalid_credentials', 'the API key is invalid, expired or revoked');
  }
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
    await touchApiKey(deps.db, row.id, now);
  }
  return deps.tokens.issue({ userId: row.user_id, email: row.email, scopes: parseScopes(row.scopes) });
}
