import type { FastifyInstance, FastifyBaseLogger, RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { Outbox, EventHandlers, Transport } from './bus/types.js';
import type { KeyValueStore } from './cache.js';
import type { PlatformConfig } from './config.js';
import type { Database } from './db/database.js';
import type { Migrations } from './db/migrate.js';
import type { Logger } from './logger.js';
import type { TokenVerifier } from './http/auth.js';
import type { ServiceClients } from './client.js';

/** A Fastify instance with zod schemas as its type provider. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Everything a service gets from the platform; it builds nothing of this itself. */
export interface ServiceContext {
  readonly name: string;
  readonly config: PlatformConfig;
  readonly env: Record<string, string | undefined>;
  readonly logger: Logger;
  /** Kysely scoped to the service's own schema. */
  readonly db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each service narrows it to its own tables
  readonly database: Database;
  readonly outbox: Outbox;
  readonly transport: Transport;
  readonly cache: KeyValueStore;
  /** Verifies access tokens against the auth service's JWKS (or, inside auth, its own keys). */
  readonly verifier: TokenVerifier;
  readonly clients: ServiceClients;
  readonly metrics: Registry;
  /** Called in reverse order at shutdown, after the HTTP server stopped taking requests. */
  onClose(fn: () => Promise<void> | void): void;
}

/**
 * A service as the platform runs it: in the embedded host beside the others, or alone with
 * `meridian start --service NAME`.
 */
export interface ServiceDefinition {
  /** Also its database schema and its route prefix at the gateway (`/api/<name>/…`). */
  readonly name: string;
  readonly description: string;
  readonly migrations: Migrations;
  /** Adds the service's routes (paths without the `/api/<name>` prefix). */
  routes(app: App, ctx: ServiceContext): Promise<void> | void;
  /** Event handlers; each runs in one transaction with its inbox row. */
  consumers?(ctx: ServiceContext): EventHandlers;
  /** Background work started after the server listens (schedulers, relays of its own). */
  start?(ctx: ServiceContext): Promise<void> | void;
  /** A custom token verifier (auth verifies with its own key store instead of a remote JWKS). */
  verifier?(ctx: Omit<ServiceContext, 'verifier'>): Promise<TokenVerifier> | TokenVerifier;
  /** Extra readiness checks beyond database and broker. */
  ready?(ctx: ServiceContext): Promise<boolean>;
}
