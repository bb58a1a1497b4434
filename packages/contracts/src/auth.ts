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
