import {
  DecryptionError,
  createEnvelopeCipher,
  loadConfig,
  loadKeyManager,
  platformConfigSchema,
  type Database,
  type Logger,
  type ServiceContext,
} from '@meridian/platform';
import type { Kysely } from 'kysely';
import { createAccessTokenIssuer, createLocalVerifier } from './access-tokens.js';
import { systemClock, type Clock } from './clock.js';
import { authSettings } from './config.js';
import type { AuthDatabase } from './database.js';
import type { AuthDeps } from './deps.js';
import { createOidcClient } from './oidc.client.js';
import { createPasswordHasher } from './passwords.js';
import { createSigningKeyStore } from './signing-keys.service.js';
import { createLimiter } from './throttle.js';

export interface AuthRuntimeOptions {
  /** Replaces the system clock (tests of expiry and rotation). */
  clock?: Clock;
  /** Receives the instance's dependencies once built (tests; operator tooling such as key rotation). */
  onReady?: (deps: AuthDeps) => void;
}

/**
 * Builds what the auth features share, once per running instance: settings, the envelope
 * cipher over the master key, the password hasher, the signing-key store (creating the
 * first key, or rotating an old one) and the throttles.
 */
export async function createAuthDeps(
  ctx: Omit<ServiceContext, 'verifier'>,
  options: AuthRuntimeOptions = {},
): Promise<AuthDeps> {
  const settings = authSettings(ctx.env);
  const clock = options.clock ?? systemClock;
  const logger = ctx.logger;
  const dataDir = ctx.config.MERIDIAN_DATA_DIR;
  const envKey = ctx.env.MERIDIAN_MASTER_KEY;
  if (ctx.database.kind === 'postgres' && !envKey) {
    if (dataDir === 'memory://') {
      throw new Error('MERIDIAN_MASTER_KEY: required with PostgreSQL when MERIDIAN_DATA_DIR is memory:// (an ephemeral key would strand encrypted data)');
    }
    logger.warn('MERIDIAN_MASTER_KEY is not set: using the key file in MERIDIAN_DATA_DIR; every auth instance must share it');
  }
  const cipher = createEnvelopeCipher(await loadKeyManager({ env: ctx.env, dataDir }));
  const db = ctx.db as Kysely<AuthDatabase>;
  const keys = createSigningKeyStore({
    db,
    cipher,
    clock,
    logger,
    accessTokenTtl: settings.accessTokenTtl,
    maxAgeDays: settings.signingKeyMaxAgeDays,
    activationDelay: settings.signingKeyActivationDelay,
  });
  await keys.ensureCurrent();
  try {
    await keys.signingKey();
  } catch (err) {
    if (err instanceof DecryptionError) {
      throw new Error(
        'the master key (MERIDIAN_MASTER_KEY or master.key) is not the one that encrypted the auth data; restore it or list it in MERIDIAN_MASTER_KEY_PREVIOUS',
        { cause: err },
      );
    }
    throw err;
  }
  const window = settings.throttle.windowSeconds;
  const deps: AuthDeps = {
    db,
    settings,
    clock,
    logger,
    outbox: ctx.outbox,
    cache: ctx.cache,
    cipher,
    passwords: await createPasswordHasher(settings.argon2),
    keys,
    tokens: createAccessTokenIssuer(keys, clock, settings.accessTokenTtl),
    verifier: createLocalVerifier(keys),
    limits: {
      account: createLimiter(ctx.cache, 'login-account', {
        max: settings.throttle.maxFailuresPerAccount,
        windowSeconds: window,
        message: 'Too many failed sign-in attempts for this account; try again later.',
      }),
      ip: createLimiter(ctx.cache, 'login-ip', {
        max: settings.throttle.maxFailuresPerIp,
        windowSeconds: window,
        message: 'Too many failed sign-in attempts from this address; try again later.',
      }),
      register: createLimiter(ctx.cache, 'register-ip', {
        max: settings.throttle.registerPerIp,
        windowSeconds: 3600,
        message: 'Too many registrations from this address; try again later.',
      }),
      exchange: createLimiter(ctx.cache, 'exchange-ip', {
        max: settings.throttle.maxFailuresPerIp,
        windowSeconds: window,
      }),
    },
    oidc: settings.oidc ? createOidcClient(settings.oidc, logger) : undefined,
  };
  options.onReady?.(deps);
  return deps;
}

/**
 * Rotates the signing key from outside a running service (an operator command such as
 * `meridian auth rotate-key`): the new key is published at once and signs after the
 * activation delay (or at once with `immediate`, which invalidates nothing: old keys stay
 * published until their last token expired). Running instances pick it up within a minute.
 */
export async function rotateSigningKey(options: {
  database: Database;
  env: Record<string, string | undefined>;
  logger: Logger;
  immediate?: boolean;
}): Promise<string> {
  const settings = authSettings(options.env);
  const config = loadConfig(platformConfigSchema, options.env);
  const cipher = createEnvelopeCipher(await loadKeyManager({ env: options.env, dataDir: config.MERIDIAN_DATA_DIR }));
  const keys = createSigningKeyStore({
    db: options.database.forSchema<AuthDatabase>('auth'),
    cipher,
    clock: systemClock,
    logger: options.logger,
    accessTokenTtl: settings.accessTokenTtl,
    maxAgeDays: settings.signingKeyMaxAgeDays,
    activationDelay: settings.signingKeyActivationDelay,
  });
  return keys.rotate({ immediate: options.immediate ?? false });
}
