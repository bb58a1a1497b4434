import type { CloudEvent } from '@meridian/contracts';
import { sql, type Generated, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { migrateSchema, type Migrations } from '../db/migrate.js';
import { backoffDelay, sleep } from './backoff.js';
import { isUnprocessable, reasonOf } from './errors.js';
import type { ParkedMessage, Transport } from './types.js';

export interface MemoryTransportOptions {
  /** Where parked events are kept (schema `platform`, table `parked_events`), so they survive restarts. */
  database: Database;
  logger: Logger;
  /** First retry delay; doubles per attempt. Default 100 ms. */
  retryBaseMs?: number;
  /** Longest retry delay. Default 5 s. */
  retryMaxMs?: number;
}

interface ParkedEventsTable {
  queue: string;
  event_id: string;
  type: string;
  attempts: number;
  reason: string;
  body: unknown;
  parked_at: Generated<Date>;
}

const SCHEMA = 'platform';

const parkedMigrations: Migrations = {
  '0001_parked_events': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('parked_events')
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('body', 'jsonb', (c) => c.notNull())
        .addColumn('parked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('parked_events_pk', ['queue', 'event_id'])
        .execute();
    },
  },
};

interface Delivery {
  raw: unknown;
  attempts: number;
  resolve(): void;
  reject(err: Error): void;
  /** Set when the delivery is a replay of a parked row, removed once handled. */
  replayOf?: string;
}

interface QueueState {
  name: string;
  types: Set<string>;
  handle: ((raw: unknown) => Promise<void>) | undefined;
  maxAttempts: number;
  concurrency: number;
  pending: Delivery[];
  inFlight: number;
  idle: Array<() => void>;
}

/**
 * The embedded mode's broker: in-process queues with RabbitMQ's guarantees. `publish`
 * resolves only once every subscribed queue has handled (committed) or parked the event,
 * so the relay deletes outbox rows only then; a crash before that republishes them.
 * Failures are retried with back-off (100 ms × 2^n), then parked in the database.
 * A queue keeps its subscription and buffers events while its consumer is stopped.
 */
export async function createMemoryTransport(options: MemoryTransportOptions): Promise<Transport> {
  const { database, logger } = options;
  const retryBaseMs = options.retryBaseMs ?? 100;
  const retryMaxMs = options.retryMaxMs ?? 5000;
  await migrateSchema(database, SCHEMA, parkedMigrations, { tableName: 'bus_migration' });
  const parked = () => database.forSchema<{ parked_events: ParkedEventsTable }>(SCHEMA);

  const queues = new Map<string, QueueState>();
  const retryTimers = new Set<{ timer: NodeJS.Timeout; delivery: Delivery }>();
  const closing = new AbortController();
  let closed = false;

  function queueState(name: string): QueueState {
    let q = queues.get(name);
    if (!q) {
      q = { name, types: new Set(), handle: undefined, maxAttempts: 5, concurrency: 10, pending: [], inFlight: 0, idle: [] };
      queues.set(name, q);
    }
    return q;
  }

  function deliver(q: QueueState, raw: unknown, replayOf?: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      q.pending.push({ raw, attempts: 0, resolve, reject, ...(replayOf ? { replayOf } : {}) });
      pump(q);
    });
  }

  function pump(q: QueueState): void {
    while (q.handle && q.inFlight < q.concurrency && q.pending.length > 0) {
      const delivery = q.pending.shift()!;
      const handle = q.handle;
      q.inFlight++;
      void handleOne(q, handle, delivery).finally(() => {
        q.inFlight--;
        if (q.inFlight === 0) for (const done of q.idle.splice(0)) done();
        pump(q);
      });
    }
  }

  async function handleOne(q: QueueState, handle: (raw: unknown) => Promise<void>, d: Delivery): Promise<void> {
    try {
      await handle(d.raw);
      if (d.replayOf) await unpark(q.name, d.replayOf);
      d.resolve();
      return;
    } catch (err) {
      d.attempts++;
      if (isUnprocessable(err) || d.attempts >= q.maxAttempts) {
        if (await park(q.name, d, reasonOf(err))) d.resolve();
        else d.reject(new Error('transport closed before the event could be parked'));
        return;
      }
      if (closed) {
        // Nobody will retry it here: the publisher keeps its outbox row and sends it again.
        d.reject(new Error('transport closed'));
        return;
      }
      const delay = backoffDelay(d.attempts - 1, retryBaseMs, retryMaxMs);
      const entry = {
        delivery: d,
        timer: setTimeout(() => {
          retryTimers.delete(entry);
          q.pending.push(d);
          pump(q);
        }, delay),
      };
      retryTimers.add(entry);
    }
  }

  /** Keeps trying until the row is written: an event is never dropped, only parked. */
  async function park(queue: string, d: Delivery, reason: string): Promise<boolean> {
    const id = eventIdOf(d.raw);
    for (let attempt = 0; !closed; attempt++) {
      try {
        await parked()
          .insertInto('parked_events')
          .values({ queue, event_id: id, type: typeOf(d.raw), attempts: d.attempts, reason, body: JSON.stringify(d.raw ?? null) })
          .onConflict((oc) =>
            oc.columns(['queue', 'event_id']).doUpdateSet((eb) => ({
              attempts: eb.ref('excluded.attempts'),
              reason: eb.ref('excluded.reason'),
              body: eb.ref('excluded.body'),
              parked_at: sql<Date>`now()`,
            })),
          )
          .execute();
        logger.error({ queue, eventId: id, attempts: d.attempts, reason }, 'event parked');
        return true;
      } catch (err) {
        logger.error({ err, queue, eventId: id }, 'could not park event; retrying');
        await sleep(backoffDelay(attempt, 100, 5000), closing.signal);
      }
    }
    return false;
  }

  async function unpark(queue: string, eventId: string): Promise<void> {
    await parked().deleteFrom('parked_events').where('queue', '=', queue).where('event_id', '=', eventId).execute();
  }

  return {
    kind: 'memory',

    async publish(events: CloudEvent[]): Promise<void> {
      if (closed) throw new Error('transport closed');
      const deliveries: Promise<void>[] = [];
      for (const event of events) {
        // A copy through JSON, as a broker would hand over: consumers never share the
        // publisher's objects, and what does not survive serialisation shows up here too.
        const wire = JSON.stringify(event);
        for (const q of queues.values()) {
          if (q.types.has(event.type)) deliveries.push(deliver(q, JSON.parse(wire)));
        }
      }
      await Promise.all(deliveries);
    },

    async consume(queue, types, handle, opts) {
      if (closed) throw new Error('transport closed');
      const q = queueState(queue);
      if (q.handle) throw new Error(`queue ${queue} already has a consumer`);
      q.types = new Set(types);
      q.handle = handle;
      q.maxAttempts = opts.maxAttempts;
      q.concurrency = opts.prefetch ?? 10;
      pump(q);
      return {
        async stop() {
          if (q.handle !== handle) return;
          q.handle = undefined;
          if (q.inFlight > 0) await new Promise<void>((resolve) => q.idle.push(resolve));
        },
      };
    },

    async listParked(queue: string): Promise<ParkedMessage[]> {
      const rows = await parked()
        .selectFrom('parked_events')
        .selectAll()
        .where('queue', '=', queue)
        .orderBy('parked_at')
        .orderBy('event_id')
        .execute();
      return rows.map((r) => ({
        id: r.event_id,
        type: r.type,
        attempts: r.attempts,
        reason: r.reason,
        parkedAt: new Date(r.parked_at).toISOString(),
        body: r.body,
      }));
    },

    async replayParked(queue: string, ids?: string[]): Promise<number> {
      if (closed) throw new Error('transport closed');
      let query = parked().selectFrom('parked_events').selectAll().where('queue', '=', queue);
      if (ids) {
        if (ids.length === 0) return 0;
        query = query.where('event_id', 'in', ids);
      }
      const rows = await query.orderBy('parked_at').execute();
      const q = queueState(queue);
      // The row stays until the replay is handled (then deleted) or parked again (then
      // updated), so a crash in between loses nothing.
      for (const row of rows) {
        deliver(q, row.body, row.event_id).catch(() => {
          // Closed before it was handled: the row is still parked.
        });
      }
      return rows.length;
    },

    async ready() {
      return !closed;
    },

    async close() {
      if (closed) return;
      closed = true;
      closing.abort();
      const err = new Error('transport closed');
      for (const entry of retryTimers) {
        clearTimeout(entry.timer);
        entry.delivery.reject(err);
      }
      retryTimers.clear();
      const waits: Promise<void>[] = [];
      for (const q of queues.values()) {
        for (const d of q.pending.splice(0)) d.reject(err);
        q.handle = undefined;
        if (q.inFlight > 0) waits.push(new Promise<void>((resolve) => q.idle.push(resolve)));
      }
      await Promise.all(waits);
    },
  };
}

function eventIdOf(raw: unknown): string {
  const id = isRecord(raw) ? raw['id'] : undefined;
  return typeof id === 'string' && id.length > 0 ? id : `unidentified-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function typeOf(raw: unknown): string {
  const type = isRecord(raw) ? raw['type'] : undefined;
  return typeof type === 'string' ? type : 'unknown';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
