import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startGateway } from '@meridian/gateway';
import {
  createMemoryStore,
  createMemoryTransport,
  createSharedPGlite,
  openDatabase,
  runService,
  type Logger,
  type RunningService,
} from '@meridian/platform';
import { serviceDefinitions } from './services.js';

export interface EmbeddedOptions {
  env: Record<string, string | undefined>;
  logger: Logger;
  dataDir: string;
  host: string;
  port: number;
}

export interface EmbeddedPlatform {
  url: string;
  services: ReadonlyMap<string, RunningService>;
  close(): Promise<void>;
}

/**
 * Every service in one process, each on its own loopback port behind the gateway, sharing
 * one PGlite data dir, an in-process bus and an in-memory cache. Same code, ports and
 * events as the distributed mode.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedPlatform> {
  const { logger, env } = options;
  const dataDir = resolve(options.dataDir);
  const releaseLock = lockDataDir(dataDir);
  const pglite = await createSharedPGlite(dataDir);
  const database = await openDatabase({ pglite });
  const transport = await createMemoryTransport({ database, logger });
  const cache = createMemoryStore();
  const running = new Map<string, RunningService>();
  const urls = new Map<string, string>();

  const closeAll = async () => {
    const services = [...running.values()].reverse();
    // Stop taking requests everywhere, flush every outbox while all consumers still run,
    // then stop consuming.
    await Promise.all(services.map((svc) => svc.stopAccepting()));
    for (const svc of services) await svc.stopRelay();
    for (const svc of services) await svc.close();
    await transport.close();
    await cache.close();
    await database.close();
    await pglite.close();
    releaseLock();
  };

  try {
    for (const def of serviceDefinitions) {
      const svc = await runService(def, {
        database,
        transport,
        cache,
        env,
        logger,
        host: '127.0.0.1',
        port: 0,
        serviceUrl: (name) => urls.get(name),
        deferRelay: true,
      });
      running.set(def.name, svc);
      urls.set(def.name, svc.url);
    }
    for (const svc of running.values()) svc.startRelay();
    const gateway = await startGateway({
      services: Object.fromEntries(urls),
      env,
      logger,
      cache,
      host: options.host,
      port: options.port,
    });
    return {
      url: gateway.url,
      services: running,
      async close() {
        await gateway.close();
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }
}

const heldHere = new Set<string>();

/** One platform per data dir: PGlite must not be opened twice, by this process or another. */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = resolve(dataDir, 'meridian.pid');
  if (heldHere.has(dataDir)) {
    throw new Error(`another Meridian in this process is using ${dataDir}`);
  }
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `another Meridian (pid ${pid}) is using ${dataDir}; stop it or set MERIDIAN_DATA_DIR to another folder`,
      );
    }
  }
  writeFileSync(lockFile, String(process.pid));
  heldHere.add(dataDir);
  return () => {
    heldHere.delete(dataDir);
    rmSync(lockFile, { force: true });
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
