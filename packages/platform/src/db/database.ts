import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';

/**
 * The process's database: PGlite (embedded, one instance shared by every hosted service) or
 * PostgreSQL (a pool). Each service works through {@link Database.forSchema}, which
 * qualifies every table with the service's own schema.
 */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /** A Kysely instance whose tables live in `schema`. */
  forSchema<DB>(schema: string): Kysely<DB>;
  /** Kysely without a schema, for platform-level statements. */
  readonly root: Kysely<unknown>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// Same value shapes on both drivers: int8 (counts) as numbers, NUMERIC as exact strings,
// DATE as 'YYYY-MM-DD' calendar strings (a date is not an instant), timestamps as Date.
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;

function parseInt8(value: string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL; when absent, PGlite in `dataDir` (or in memory when dataDir is 'memory://'). */
  url?: string | undefined;
  dataDir?: string;
  poolSize?: number;
  /** An existing PGlite instance to share (tests, embedded host). */
  pglite?: PGlite;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openPGlite(options);
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8) return parseInt8;
        if (oid === DATE) return (v: string) => v;
        if (oid === NUMERIC) return (v: string) => v;
        return format === 'binary'
          ? pg.types.getTypeParser(oid, 'binary')
          : pg.types.getTypeParser(oid, 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  const root = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  return makeDatabase('postgres', root);
}

async function openPGlite(options: OpenDatabaseOptions): Promise<Database> {
  let instance = options.pglite;
  const owns = instance === undefined;
  if (!instance) {
    const dir = options.dataDir ?? 'memory://';
    let dataDir: string | undefined;
    if (dir !== 'memory://') {
      dataDir = resolve(dir, 'pgdata');
      mkdirSync(dataDir, { recursive: true });
    }
    instance = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      parsers: {
        [INT8]: parseInt8,
        [DATE]: (v: string) => v,
      },
    });
  }
  const root = new Kysely<unknown>({ dialect: new PGliteDialect(instance, { ownsInstance: owns }) });
  return makeDatabase('pglite', root);
}

function makeDatabase(kind: Database['kind'], root: Kysely<unknown>): Database {
  const bySchema = new Map<string, Kysely<unknown>>();
  return {
    kind,
    root,
    forSchema<DB>(schema: string): Kysely<DB> {
      let db = bySchema.get(schema);
      if (!db) {
        db = root.withSchema(schema);
        bySchema.set(schema, db);
      }
      return db as Kysely<DB>;
    },
    async ping() {
      await sql`select 1`.execute(root);
    },
    async close() {
      await root.destroy();
    },
  };
}

/** Shared PGlite for the embedded host: one data dir opened once. */
export async function createSharedPGlite(dataDir: string): Promise<PGlite> {
  const dir = dataDir === 'memory://' ? undefined : resolve(dataDir, 'pgdata');
  if (dir) mkdirSync(dir, { recursive: true });
  return PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    parsers: { [INT8]: parseInt8, [DATE]: (v: string) => v },
  });
}
