import { parseEvent, type CloudEvent } from '@meridian/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { newSpanId, newTraceId, parseTraceparent, runWithContext, type RequestContext } from '../context.js';
import { UnprocessableEventError } from './errors.js';
import type { BusTables } from './migrations.js';
import type { EventHandler, EventHandlers, Transport } from './types.js';

export interface ConsumerOptions {
  /** The consuming service's database, scoped to its schema (where its `inbox` table is). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service's tables
  db: Kysely<any>;
  transport: Transport;
  /** The consuming service's name: one queue per service (`meridian.<queue>` on RabbitMQ). */
  queue: string;
  handlers: EventHandlers;
  logger: Logger;
  /** Attempts before a failing event is parked. Default 5. */
  maxAttempts?: number;
  /** Unacknowledged messages in flight at once. Default: the transport's. */
  prefetch?: number;
  /** Transactions open at once (database connections used). Default 4. */
  parallelism?: number;
  /** Most events committed together when they queue up (1 = one transaction each). Default 50. */
  maxBatch?: number;
}

export interface Consumer {
  /** Stops taking messages and waits for the ones being handled. */
  stop(): Promise<void>;
}

interface Pending {
  event: CloudEvent;
  handler: EventHandler;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Consumes the events `handlers` names. An event's effect commits in the same transaction
 * as its id in the `inbox`, so a redelivered event changes nothing; a handler that throws
 * rolls back and is retried with back-off, then parked. Handlers must do all their database
 * work through the `trx` they are given.
 *
 * Group commit: an event that arrives while `parallelism` transactions are busy waits, and
 * the events waiting are then handled one after the other in one transaction, which saves
 * the round trips of a transaction per event under load and adds no delay when idle. If
 * anything in such a group fails, it is rolled back whole and each event is handled again
 * in a transaction of its own, so one event's failure never touches another's effect (a
 * handler may therefore run twice for one attempt; only the committed run has an effect).
 */
export async function startConsumer(options: ConsumerOptions): Promise<Consumer> {
  const { transport, queue, handlers, logger } = options;
  const db = options.db as Kysely<BusTables>;
  const parallelism = Math.max(1, options.parallelism ?? 4);
  const maxBatch = Math.max(1, options.maxBatch ?? 50);
  const types = Object.entries(handlers)
    .filter(([, handler]) => handler !== undefined)
    .map(([type]) => type);
  const log = logger.child({ queue });

  const waiting: Pending[] = [];
  let busy = 0;

  function pump(): void {
    while (busy < parallelism && waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      busy++;
      void (batch.length === 1 ? handleAlone(batch[0]!) : handleTogether(batch)).finally(() => {
        busy--;
        pump();
      });
    }
  }

  /** Records the events in the inbox and returns those not handled before. */
  async function claim(trx: Transaction<BusTables>, events: CloudEvent[]): Promise<Set<string>> {
    const inserted = await trx
      .insertInto('inbox')
      .values(events.map((e) => ({ event_id: e.id, type: e.type })))
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('event_id')
      .execute();
    return new Set(inserted.map((r) => r.event_id));
  }

  async function handleAlone(p: Pending): Promise<void> {
    const { event, handler } = p;
    const ctx = contextOf(event);
    try {
      const fresh = await db.transaction().execute(async (trx) => {
        const isNew = (await claim(trx, [event])).has(event.id);
        if (isNew) await runWithContext(ctx, () => handler(event, trx));
        return isNew;
      });
      log.debug({ eventId: event.id, type: event.type, duplicate: !fresh }, 'event handled');
      p.resolve();
    } catch (err) {
      runWithContext(ctx, () => log.warn({ err, eventId: event.id, type: event.type }, 'event handler failed; rolled back'));
      p.reject(err);
    }
  }

  async function handleTogether(batch: Pending[]): Promise<void> {
    try {
      await db.transaction().execute(async (trx) => {
        const fresh = await claim(trx, batch.map((p) => p.event));
        for (const { event, handler } of batch) {
          // delete: the same event delivered twice in one batch is handled once.
          if (fresh.delete(event.id)) await runWithContext(contextOf(event), () => handler(event, trx));
        }
      });
    } catch (err) {
      log.debug({ err, size: batch.length }, 'a batch failed; handling its events one by one');
      for (const p of batch) await handleAlone(p);
      return;
    }
    log.debug({ size: batch.length }, 'events handled');
    for (const p of batch) p.resolve();
  }

  async function handle(raw: unknown): Promise<void> {
    let event: CloudEvent;
    try {
      event = parseEvent(raw);
    } catch (err) {
      throw new UnprocessableEventError(`not a valid event: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
    // The map is keyed by type, so the handler found is the one for this event's type.
    const handler = handlers[event.type] as EventHandler | undefined;
    if (!handler) throw new UnprocessableEventError(`queue ${queue} has no handler for ${event.type}`);
    return new Promise<void>((resolve, reject) => {
      waiting.push({ event, handler, resolve, reject });
      pump();
    });
  }

  const subscription = await transport.consume(queue, types, handle, {
    maxAttempts: options.maxAttempts ?? 5,
    ...(options.prefetch !== undefined ? { prefetch: options.prefetch } : {}),
  });
  log.info({ types }, 'consuming events');
  return subscription;
}

/** The handling runs in the trace of the request that caused the event. */
function contextOf(event: CloudEvent): RequestContext {
  const parent = parseTraceparent(event.traceparent);
  return {
    requestId: event.id,
    traceId: parent?.traceId ?? newTraceId(),
    spanId: newSpanId(),
    sampled: parent?.sampled ?? true,
  };
}
