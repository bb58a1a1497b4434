import { z } from 'zod';

/** HTTP DTOs of the auth service (public contract: see services/auth/README.md). */
export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((e) => e.toLowerCase());

export const registerBody = z.strictObject({
  email: emailSchema,
  password: z.string().max(1024),
});

export const loginBody = z.strictObject({
  email: emailSchema,
  password: z.string().max(1024),
  totp: z.string().trim().max(64).optional(),
});

export const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512) });

export const logoutBody = z.strictObject({ refreshToken: z.string().min(1).max(512).optional() });

export const userDto = z.object({ id: z.uuid(), email: z.string() });

export const tokenPairDto = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int(),
  tokenType: z.literal('Bearer'),
});

/** Claims of an access token beyond the registered ones. */
export const accessTokenClaims = z.object({
  sub: z.uuid(),
  email: z.string(),
  sid: z.string().optional(),
  scope: z.string().optional(),
});

export type RegisterBody = z.infer<typeof registerBody>;
export type LoginBody = z.infer<typeof loginBody>;
export type UserDto = z.infer<typeof userDto>;
export type TokenPairDto = z.infer<typeof tokenPairDto>;
export type AccessTokenClaims = z.infer<typeof accessTokenClaims>;

// ---- account -------------------------------------------------------------------------

/** A password as typed; the policy (length, breached list…) is the auth service's. */
export const passwordInput = z.string().max(1024);
/** A six-digit TOTP code or a recovery code (`xxxx-xxxx-xxxx-xxxx`). */
export const secondFactorInput = z.string().trim().min(1).max(64);

export const registerResponse = z.object({ user: userDto });

export const meDto = userDto.extend({
  createdAt: z.iso.datetime(),
  twoFactorEnabled: z.boolean(),
  /** False for accounts created through an external OpenID Connect provider. */
  hasPassword: z.boolean(),
});

export const changePasswordBody = z.strictObject({
  currentPassword: passwordInput,
  newPassword: passwordInput,
});

/** Account deletion re-confirms the password (and the TOTP code when two-factor is on). */
export const deleteAccountBody = z.strictObject({
  password: passwordInput.optional(),
  totp: secondFactorInput.optional(),
});

// ---- sessions ------------------------------------------------------------------------

export const sessionDto = z.object({
  id: z.uuid(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  method: z.enum(['password', 'oidc']),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  /** The session of the access token that asked. */
  current: z.boolean(),
});

export const sessionListDto = z.object({ sessions: z.array(sessionDto) });

export const idParams = z.strictObject({ id: z.uuid() });

// ---- two-factor (TOTP) ---------------------------------------------------------------

export const totpEnrollBody = z.strictObject({ password: passwordInput.optional() });

export const totpEnrollDto = z.object({
  /** Base32 secret, for manual entry. */
  secret: z.string(),
  /** otpauth:// URI, for a QR code. */
  otpauthUri: z.string(),
});

export const totpConfirmBody = z.strictObject({ code: secondFactorInput });

/** Shown once: ten single-use recovery codes. */
export const recoveryCodesDto = z.object({ recoveryCodes: z.array(z.string()) });

export const totpDisableBody = z.strictObject({ password: passwordInput.optional(), code: secondFactorInput });

// ---- API keys ------------------------------------------------------------------------

/** What a token may do: `read` data, `write` data, `trade` (place orders). */
export const apiScope = z.enum(['read', 'write', 'trade']);

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** Defaults to `["read"]`. */
  scopes: z.array(apiScope).min(1).max(3).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

export const apiKeyDto = z.object({
  id: z.uuid(),
  name: z.string(),
  /** The public start of the key (`mrd_<id>`), to recognise it. */
  prefix: z.string(),
  scopes: z.array(apiScope),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
});

/** The key itself appears only in this response. */
export const createdApiKeyDto = apiKeyDto.extend({ key: z.string() });

export const apiKeyListDto = z.object({ apiKeys: z.array(apiKeyDto) });

export const tokenExchangeBody = z.strictObject({ apiKey: z.string().min(1).max(256) });

/** An access token without a refresh token (API-key exchange). */
export const accessTokenDto = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  tokenType: z.literal('Bearer'),
});

// ---- OpenID Connect ------------------------------------------------------------------

export const oidcExchangeBody = z.strictObject({
  code: z.string().min(1).max(256),
  totp: secondFactorInput.optional(),
});

// ---- keys ----------------------------------------------------------------------------

export const jwkDto = z.looseObject({
  kty: z.string(),
  kid: z.string(),
  alg: z.string(),
  use: z.string(),
});

export const jwksDto = z.object({ keys: z.array(jwkDto) });

export type MeDto = z.infer<typeof meDto>;
export type SessionDto = z.infer<typeof sessionDto>;
export type ApiScope = z.infer<typeof apiScope>;
export type ApiKeyDto = z.infer<typeof apiKeyDto>;
export type CreatedApiKeyDto = z.infer<typeof createdApiKeyDto>;
export type AccessTokenDto = z.infer<typeof accessTokenDto>;
export type CreateApiKeyBody = z.infer<typeof createApiKeyBody>;
