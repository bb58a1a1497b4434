import { ConfigError, loadConfig } from '@meridian/platform';
import { z } from 'zod';

const seconds = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const DAY = 86_400;

/** OWASP's argon2id floor (m=19456 KiB, t=2, p=1); production refuses anything cheaper. */
export const ARGON2_OWASP = { memoryKib: 19_456, iterations: 2, parallelism: 1 } as const;

/** Settings of the auth service (environment variables; documented in the README). */
export const authConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  MERIDIAN_PUBLIC_URL: z.url().optional(),
  MERIDIAN_AUTH_ACCESS_TOKEN_TTL: seconds(900, 60, DAY),
  MERIDIAN_AUTH_SESSION_IDLE_TTL: seconds(14 * DAY, 300, 365 * DAY),
  MERIDIAN_AUTH_SESSION_ABSOLUTE_TTL: seconds(30 * DAY, 600, 365 * DAY),
  MERIDIAN_AUTH_SIGNING_KEY_MAX_AGE_DAYS: z.coerce.number().min(0).max(3650).default(30),
  MERIDIAN_AUTH_SIGNING_KEY_ACTIVATION_DELAY: seconds(60, 0, 3600),
  MERIDIAN_AUTH_PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(64).default(12),
  MERIDIAN_AUTH_ARGON2_MEMORY_KIB: z.coerce.number().int().min(8).max(4_194_304).default(ARGON2_OWASP.memoryKib),
  MERIDIAN_AUTH_ARGON2_ITERATIONS: z.coerce.number().int().min(1).max(100).default(ARGON2_OWASP.iterations),
  MERIDIAN_AUTH_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(10),
  MERIDIAN_AUTH_LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(100),
  MERIDIAN_AUTH_LOGIN_WINDOW: seconds(900, 1, DAY),
  MERIDIAN_AUTH_REGISTER_MAX_PER_IP: z.coerce.number().int().min(1).max(100_000).default(20),
  MERIDIAN_AUTH_MAX_API_KEYS: z.coerce.number().int().min(1).max(1000).default(25),
  MERIDIAN_AUTH_TOTP_ISSUER: z.string().min(1).max(64).default('Meridian'),
  MERIDIAN_OIDC_ISSUER: z.url().optional(),
  MERIDIAN_OIDC_CLIENT_ID: z.string().min(1).optional(),
  MERIDIAN_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  MERIDIAN_OIDC_REDIRECT_URI: z.url().optional(),
  MERIDIAN_OIDC_SCOPES: z.string().default('openid email profile'),
  MERIDIAN_OIDC_POST_LOGIN_URL: z.string().min(1).default('/login/oidc'),
  MERIDIAN_OIDC_ALLOW_HTTP: flag.default(false),
});

export type AuthEnv = z.infer<typeof authConfigSchema>;

export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: URL;
  scopes: string;
  postLoginUrl: string;
  allowHttp: boolean;
}

/** The auth service's settings in domain units (seconds, days) with cross-field checks. */
export interface AuthSettings {
  production: boolean;
  accessTokenTtl: number;
  sessionIdleTtl: number;
  sessionAbsoluteTtl: number;
  signingKeyMaxAgeDays: number;
  signingKeyActivationDelay: number;
  passwordMinLength: number;
  argon2: { memoryKib: number; iterations: number; parallelism: number };
  throttle: { maxFailuresPerAccount: number; maxFailuresPerIp: number; windowSeconds: number; registerPerIp: number };
  maxApiKeys: number;
  totpIssuer: string;
  oidc: OidcSettings | undefined;
}

export function authSettings(env: Record<string, string | undefined>): AuthSettings {
  const c = loadConfig(authConfigSchema, env);
  const production = c.NODE_ENV === 'production';
  const problems: string[] = [];
  if (
    production &&
    (c.MERIDIAN_AUTH_ARGON2_MEMORY_KIB < ARGON2_OWASP.memoryKib ||
      c.MERIDIAN_AUTH_ARGON2_ITERATIONS < ARGON2_OWASP.iterations)
  ) {
    problems.push(
      `MERIDIAN_AUTH_ARGON2_MEMORY_KIB/ITERATIONS: below the OWASP minimum (m=${ARGON2_OWASP.memoryKib}, t=${ARGON2_OWASP.iterations}) is refused in production`,
    );
  }
  if (c.MERIDIAN_AUTH_SESSION_IDLE_TTL > c.MERIDIAN_AUTH_SESSION_ABSOLUTE_TTL) {
    problems.push('MERIDIAN_AUTH_SESSION_IDLE_TTL: must not exceed MERIDIAN_AUTH_SESSION_ABSOLUTE_TTL');
  }
  const oidcVars = [c.MERIDIAN_OIDC_ISSUER, c.MERIDIAN_OIDC_CLIENT_ID, c.MERIDIAN_OIDC_REDIRECT_URI];
  let oidc: OidcSettings | undefined;
  if (oidcVars.some((v) => v !== undefined)) {
    if (!c.MERIDIAN_OIDC_ISSUER || !c.MERIDIAN_OIDC_CLIENT_ID || !c.MERIDIAN_OIDC_REDIRECT_URI) {
      problems.push('MERIDIAN_OIDC_ISSUER, MERIDIAN_OIDC_CLIENT_ID and MERIDIAN_OIDC_REDIRECT_URI: set all three or none');
    } else {
      const issuer = new URL(c.MERIDIAN_OIDC_ISSUER);
      if (issuer.protocol !== 'https:' && !c.MERIDIAN_OIDC_ALLOW_HTTP) {
        problems.push('MERIDIAN_OIDC_ISSUER: must be https (set MERIDIAN_OIDC_ALLOW_HTTP=true for a local test provider)');
      }
      if (!c.MERIDIAN_OIDC_SCOPES.split(/\s+/).includes('openid')) {
        problems.push('MERIDIAN_OIDC_SCOPES: must include "openid"');
      }
      oidc = {
        issuer,
        clientId: c.MERIDIAN_OIDC_CLIENT_ID,
        clientSecret: c.MERIDIAN_OIDC_CLIENT_SECRET,
        redirectUri: new URL(c.MERIDIAN_OIDC_REDIRECT_URI),
        scopes: c.MERIDIAN_OIDC_SCOPES,
        postLoginUrl: c.MERIDIAN_OIDC_POST_LOGIN_URL,
        allowHttp: c.MERIDIAN_OIDC_ALLOW_HTTP,
      };
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    production,
    accessTokenTtl: c.MERIDIAN_AUTH_ACCESS_TOKEN_TTL,
    sessionIdleTtl: c.MERIDIAN_AUTH_SESSION_IDLE_TTL,
    sessionAbsoluteTtl: c.MERIDIAN_AUTH_SESSION_ABSOLUTE_TTL,
    signingKeyMaxAgeDays: c.MERIDIAN_AUTH_SIGNING_KEY_MAX_AGE_DAYS,
    signingKeyActivationDelay: c.MERIDIAN_AUTH_SIGNING_KEY_ACTIVATION_DELAY,
    passwordMinLength: c.MERIDIAN_AUTH_PASSWORD_MIN_LENGTH,
    argon2: {
      memoryKib: c.MERIDIAN_AUTH_ARGON2_MEMORY_KIB,
      iterations: c.MERIDIAN_AUTH_ARGON2_ITERATIONS,
      parallelism: ARGON2_OWASP.parallelism,
    },
    throttle: {
      maxFailuresPerAccount: c.MERIDIAN_AUTH_LOGIN_MAX_FAILURES,
      maxFailuresPerIp: c.MERIDIAN_AUTH_LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: c.MERIDIAN_AUTH_LOGIN_WINDOW,
      registerPerIp: c.MERIDIAN_AUTH_REGISTER_MAX_PER_IP,
    },
    maxApiKeys: c.MERIDIAN_AUTH_MAX_API_KEYS,
    totpIssuer: c.MERIDIAN_AUTH_TOTP_ISSUER,
    oidc,
  };
}

