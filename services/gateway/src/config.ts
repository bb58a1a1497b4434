import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, platformConfigSchema } from '@meridian/platform';
import { z } from 'zod';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Requests per minute; 0 turns the limit off. */
const perMinute = z.coerce.number().int().min(0);

const origins = z
  .string()
  .transform((list) => list.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().refine(isOrigin, { message: 'each entry must be an http(s) origin: scheme://host[:port]' })))
  .transform((list) => list.map((u) => u.replace(/\/$/, '')));

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}

/**
 * `true`/`false`, or a comma separated list of trusted proxy addresses/CIDRs (Fastify's
 * `trustProxy`). Off by default: the gateway is the edge, and trusting X-Forwarded-For from
 * anyone would let a client pick the IP its rate limit is counted under.
 */
const trustProxy = z.string().transform((v): boolean | string[] => {
  const t = v.trim().toLowerCase();
  if (t === 'true' || t === '1' || t === 'yes') return true;
  if (t === 'false' || t === '0' || t === 'no' || t === '') return false;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
});

/** Gateway settings on top of the platform's (documented in services/gateway/README.md). */
export const gatewayConfigSchema = platformConfigSchema.extend({
  MERIDIAN_SERVICES_FILE: z.string().optional(),
  MERIDIAN_CORS_ORIGINS: origins.default([]),
  MERIDIAN_TRUST_PROXY: trustProxy.default(false),
  MERIDIAN_RATE_LIMIT_ANON: perMinute.default(300),
  MERIDIAN_RATE_LIMIT_USER: perMinute.default(1200),
  MERIDIAN_RATE_LIMIT_AUTH: perMinute.default(20),
  MERIDIAN_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
  /** Larger limit for file uploads (`/api/<service>/imports…`: broker CSVs, JSON exports). */
  MERIDIAN_UPLOAD_BODY_LIMIT: z.coerce.number().int().min(1024).default(20 * 1_048_576),
  MERIDIAN_UPSTREAM_CONNECTIONS: z.coerce.number().int().min(1).max(4096).default(128),
  MERIDIAN_TOKEN_CACHE_MS: z.coerce.number().int().min(0).default(30_000),
  MERIDIAN_WEB_ROOT: z.string().optional(),
  MERIDIAN_ACCESS_LOG: booleanString.default(true),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const SERVICE_ENV = /^MERIDIAN_SERVICE_([A-Z0-9_]+)_URL$/;

/**
 * The services the gateway routes to, name → base URL. Taken from `given` when present;
 * otherwise from the JSON object in the file named by MERIDIAN_SERVICES_FILE, overridden by
 * any MERIDIAN_SERVICE_<NAME>_URL variable (`_` in NAME becomes `-`).
 */
export function resolveServices(
  given: Record<string, string> | undefined,
  env: Record<string, string | undefined>,
): Record<string, string> {
  const raw: Record<string, unknown> = given ? { ...given } : { ...readServicesFile(env), ...servicesFromEnv(env) };
  const problems: string[] = [];
  const services: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!SERVICE_NAME.test(name)) {
      problems.push(`service "${name}": names are lower case letters, digits and dashes`);
      continue;
    }
    const url = typeof value === 'string' ? parseHttpUrl(value) : undefined;
    if (!url) {
      problems.push(`service "${name}": not an http(s) URL (got ${JSON.stringify(value)})`);
      continue;
    }
    services[name] = url;
  }
  if (!services.auth && problems.length === 0) {
    problems.push(
      'no address for the auth service (needed to verify tokens): set MERIDIAN_SERVICE_AUTH_URL, ' +
        'MERIDIAN_SERVICES_FILE or pass `services`',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return services;
}

function servicesFromEnv(env: Record<string, string | undefined>): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = SERVICE_ENV.exec(key);
    if (m?.[1] && value) found[m[1].toLowerCase().replace(/_/g, '-')] = value;
  }
  return found;
}

function readServicesFile(env: Record<string, string | undefined>): Record<string, unknown> {
  const file = env.MERIDIAN_SERVICES_FILE;
  if (!file) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`MERIDIAN_SERVICES_FILE: cannot read JSON from ${file}: ${(err as Error).message}`]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError([`MERIDIAN_SERVICES_FILE: ${file} must hold a JSON object of name → URL`]);
  }
  return parsed as Record<string, unknown>;
}

function parseHttpUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.search || url.hash) return undefined;
    return url.toString().replace(/\/$/, '');
  } catch {
    return undefined;
  }
}
