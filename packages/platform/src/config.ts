import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses environment variables against a zod object whose keys are the variable names.
 * Throws a ConfigError that names every bad variable and why.
 *
 * @example
 * const cfg = loadConfig(z.object({ PORT: z.coerce.number().int().default(3000) }));
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(root)';
        const shown = env[String(issue.path[0])];
        return `${name}: ${issue.message}${shown === undefined ? ' (not set)' : ` (got "${shown}")`}`;
      }),
    );
  }
  return result.data;
}

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Settings every service process shares. Documented in the README. */
export const platformConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  MERIDIAN_DATA_DIR: z.string().default('./.meridian'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  AMQP_URL: z.url({ protocol: /^amqps?$/ }).optional(),
  /** Names on the broker, so that several deployments (or test runs) can share one RabbitMQ. */
  MERIDIAN_AMQP_EXCHANGE: z.string().regex(/^[\w.-]{1,200}$/).default('meridian.events'),
  MERIDIAN_AMQP_QUEUE_PREFIX: z.string().regex(/^[\w.-]{1,100}$/).default('meridian'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  MERIDIAN_PUBLIC_URL: z.url().optional(),
  MERIDIAN_BODY_LIMIT: z.coerce.number().int().min(1024).default(1_048_576),
  MERIDIAN_EVENT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  MERIDIAN_INBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  MERIDIAN_MAINTENANCE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(604_800).default(3600),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
  MERIDIAN_DOCS: booleanString.default(true),
});

export type PlatformConfig = z.infer<typeof platformConfigSchema>;

/** URL of a service from MERIDIAN_SERVICE_<NAME>_URL, if configured. */
export function serviceUrlFromEnv(
  name: string,
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  const key = `MERIDIAN_SERVICE_${name.toUpperCase().replace(/-/g, '_')}_URL`;
  const value = env[key];
  if (value === undefined || value === '') return undefined;
  try {
    return new URL(value).toString().replace(/\/$/, '');
  } catch {
    throw new ConfigError([`${key}: not a valid URL (got "${value}")`]);
  }
}
