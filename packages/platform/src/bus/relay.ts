import type { CloudEvent } from '@meridian/contracts';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Logger } from 'pino';
import { backoffDelay, sleep } from './backoff.js';
import type { BusTables, OutboxTable } from './migrations.js';
import type { ServiceOutbox } from './outbox.js';
import type { Transport } from './types.js';

const QUICK_LOOK_MAX_MS = 64;

export interface RelayOptions {
  /** The service's database, scoped to its schema (where its `outbox` table is). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service's tables
  db: Kysely<any>;
  transport: Transport;
  logger: Logger;
  /** Rows published per broker round trip. Default 200. */
  batchSize?: number;
  /** How often to look for rows nobody signalled (other instances, rows left by a crash). Default 500 ms. */
  pollIntervalMs?: number;
  /** The service's outbox, so the relay wakes up right after an enqueue instead of at the next poll. */
  outbox?: Pick<ServiceOutbox, 'onEnqueued'>;
  /**
   * Claim rows with `FOR UPDATE SKIP LOCKED` in a transaction held across the publish, so
   * several instances can relay one outbox. Default: on for PostgreSQL, off for PGlite: it
   * has one connection, so a transaction held while the in-process transport runs the
   * consumers (who need that connection) would deadlock, and it is one process anyway.
   */
  lockRows?: boolean;
  /** Longest wait between retries while the broker refuses. Default 5 s. */
  maxBackoffMs?: number;
  /** How long `stop()` keeps publishing what is left before giving up. Default 5 s. */
  drainTimeoutMs?: number;
}

export interface Relay {
  /** Publishes what is left (up to the drain timeout), then stops. */
  stop(): Promise<void>;
}

/**
 * Publishes a service's outbox rows to the transport in id order and deletes them once the
 * broker has confirmed them. A failed publish rolls back (rows stay) and is retried with
 * back-off, so nothing is lost; a row published twice is absorbed by the consumers' inbox.
 *
 * In the embedded mode start the consumers before the relays: the in-process transport,
 * like an unbound RabbitMQ exchange, drops events that no queue subscribes to yet.
 */
export function startRelay(options: RelayOptions): Relay {
  const db = options.db as Kysely<BusTables>;
  const { transport, logger } = options;
  const batchSize = options.batchSize ?? 200;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 5000;
  const drainTimeoutMs = options.drainTimeoutMs ?? 5000;

  let stopping = false;
  let drainDeadline = 0;
  let woken = false;
  // Called on every enqueue, so it must be cheap: a resolver, not an AbortController (whose
  // abort() builds a DOMException with a stack trace each time).
  let wakeUp: (() => void) | undefined;
  const stopped = new AbortController();
  const signal = () => {
    woken = true;
    wakeUp?.();
  };
  const unsubscribe = options.outbox?.onEnqueued(signal);

  let pglite: Promise<boolean> | undefined;
  const isPGlite = () =>
    (pglite ??= sql<{ version: string }>`select version() as version`.execute(db).then((r) => (r.rows[0]?.version ?? '').includes('PGlite')));
  const shouldLock = async () => options.lockRows ?? !(await isPGlite());

  async function publishBatch(): Promise<number> {
    if (await shouldLock()) {
      return db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom('outbox')
          .selectAll()
          .orderBy('id')
          .limit(batchSize)
          .forUpdate()
          .skipLocked()
          .execute();
        if (rows.length === 0) return 0;
        await transport.publish(rows.map(toEvent));
        await trx.deleteFrom('outbox').where('id', 'in', rows.map((r) => r.id)).execute();
        return rows.length;
      });
    }
    // One connection (PGlite): this read queues behind any transaction that signalled before
    // it, so it sees their rows; those signals need no quick looks after it. (With a pool, a
    // read can run before the signalling transaction commits, hence the quick looks.)
    if (await isPGlite()) woken = false;
    const rows = await db.selectFrom('outbox').selectAll().orderBy('id').limit(batchSize).execute();
    if (rows.length === 0) return 0;
    await transport.publish(rows.map(toEvent));
    await db.deleteFrom('outbox').where('id', 'in', rows.map((r) => r.id)).execute();
    return rows.length;
  }

  /** Waits `ms`, or less if an enqueue or stop() comes first. */
  function waitForWork(ms: number): Promise<void> {
    if (woken || stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function loop(): Promise<void> {
    let failures = 0;
    let quickDelay = 0;
    for (;;) {
      let published: number;
      try {
        published = await publishBatch();
        if (failures > 0) logger.info({ failures }, 'outbox relay publishing again');
        failures = 0;
      } catch (err) {
        failures++;
        const delay = backoffDelay(failures - 1, 100, maxBackoffMs);
        (failures === 1 || failures % 20 === 0 ? logger.warn : logger.debug).call(
          logger,
          { err, failures, retryInMs: delay },
          'outbox relay could not publish; rows kept, retrying',
        );
        if (stopping && Date.now() >= drainDeadline) return;
        // Not cut short by enqueues (they keep coming while the broker is away), only by stop().
        await (stopping ? sleep(Math.min(delay, 200)) : sleep(delay, stopped.signal));
        continue;
      }
      if (stopping) {
        if (published === 0 || Date.now() >= drainDeadline) return;
        continue;
      }
      if (published > 0) {
        quickDelay = 0;
        continue;
      }
      // Nothing visible yet. A wake-up arrives before the writer commits, so look again
      // after 1 ms, then 2, 4, … 64 ms; a commit later than that waits for the next poll.
      if (woken) {
        woken = false;
        quickDelay = 1;
      } else if (quickDelay > 0) {
        quickDelay *= 2;
      }
      if (quickDelay > 0 && quickDelay <= QUICK_LOOK_MAX_MS && quickDelay < pollIntervalMs) {
        await sleep(quickDelay);
      } else {
        quickDelay = 0;
        await waitForWork(pollIntervalMs);
      }
    }
  }

  const running = loop().catch((err: unknown) => {
    logger.error({ err }, 'outbox relay stopped unexpectedly');
  });

  return {
    async stop() {
      if (stopping) return running;
      stopping = true;
      drainDeadline = Date.now() + drainTimeoutMs;
      unsubscribe?.();
      stopped.abort();
      signal();
      await running;
    },
  };
}

function toEvent(row: Selectable<OutboxTable>): CloudEvent {
  return {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    time: new Date(row.time).toISOString(),
    ...(row.subject !== null ? { subject: row.subject } : {}),
    datacontenttype: 'application/json',
    ...(row.traceparent !== null ? { traceparent: row.traceparent } : {}),
    data: row.data,
  } as CloudEvent; // rows were validated against the catalogue when enqueued
}
