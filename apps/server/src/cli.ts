/* eslint-disable no-console -- this is the command line: it talks to a terminal */
import { parseArgs } from 'node:util';
import {
  ConfigError,
  createLogger,
  loadConfig,
  migrateSchema,
  openDatabase,
  platformConfigSchema,
  platformMigrations,
  type Logger,
} from '@meridian/platform';
import { startOne, type Stoppable } from './distributed.js';
import { demoCredentials, seedDemo } from './demo.js';
import { startEmbedded } from './embedded.js';
import { findService, serviceDefinitions, serviceNames } from './services.js';

const HELP = `meridian — self-hostable wealth platform

Usage:
  meridian start                    every service in one process (embedded: PGlite, in-process bus)
  meridian start --service NAME     one service against DATABASE_URL, AMQP_URL, REDIS_URL
  meridian migrate [--service NAME] apply database migrations (DATABASE_URL, else the PGlite data dir)
  meridian services                 list the services
  meridian help

Settings are environment variables; see the README.`;

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { service: { type: 'string', short: 's' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    console.error(`meridian: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const [command = 'help'] = parsed.positionals;
  if (parsed.values.help || command === 'help') {
    console.log(HELP);
    return 0;
  }
  try {
    const config = loadConfig(platformConfigSchema, env);
    const logger = createLogger({ name: 'meridian', level: config.LOG_LEVEL });
    switch (command) {
      case 'start':
        return await start(parsed.values.service, config, env, logger);
      case 'migrate':
        return await migrate(parsed.values.service, config);
      case 'services':
        console.log(serviceNames().join('\n'));
        return 0;
      default:
        console.error(`meridian: unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`meridian: ${err.message}`);
      return 78; // EX_CONFIG
    }
    console.error('meridian: failed:', err);
    return 1;
  }
}

async function start(
  service: string | undefined,
  config: ReturnType<typeof loadConfig<typeof platformConfigSchema>>,
  env: Record<string, string | undefined>,
  logger: Logger,
): Promise<number> {
  const started = performance.now();
  let running: Stoppable;
  if (service) {
    running = await startOne(service, config, env, logger);
  } else {
    running = await startEmbedded({
      env,
      logger,
      dataDir: config.MERIDIAN_DATA_DIR,
      host: config.HOST,
      port: config.PORT,
    });
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const label = service ? `${service} service` : 'Meridian';
  console.log(`\n  ${label} is running at ${running.url}  (ready in ${seconds} s)\n`);
  if (!service && env.MERIDIAN_DEMO !== 'false') {
    const demo = demoCredentials(config.MERIDIAN_DATA_DIR);
    console.log(`  Demo portfolio: sign in as ${demo.email} with password ${demo.password}\n  (MERIDIAN_DEMO=false starts without it)\n`);
    seedDemo(running.url, config.MERIDIAN_DATA_DIR, logger).catch((err: unknown) => logger.error({ err }, 'could not seed the demo portfolio'));
  }
  return waitForSignal(running, logger);
}

/** Resolves on SIGINT/SIGTERM after a graceful close; a second signal exits at once. */
function waitForSignal(running: Stoppable, logger: Logger): Promise<number> {
  return new Promise((resolveExit) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn(`${signal} again: exiting without waiting`);
        process.exit(130);
      }
      stopping = true;
      logger.info(`${signal}: draining and shutting down`);
      running.close().then(
        () => resolveExit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          resolveExit(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function migrate(
  service: string | undefined,
  config: ReturnType<typeof loadConfig<typeof platformConfigSchema>>,
): Promise<number> {
  const defs = service ? [findService(service)] : serviceDefinitions;
  if (defs.some((d) => d === undefined)) {
    throw new ConfigError([`--service: unknown service "${service}" (known: ${serviceNames().join(', ')})`]);
  }
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.MERIDIAN_DATA_DIR });
  try {
    for (const def of defs) {
      if (!def) continue;
      await migrateSchema(database, def.name, platformMigrations, { tableName: 'platform_migration' });
      const result = await migrateSchema(database, def.name, def.migrations);
      const applied = result.results?.map((r) => r.migrationName) ?? [];
      console.log(`${def.name}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
    }
  } finally {
    await database.close();
  }
  return 0;
}
