import { eventCatalog, isEventType, type EventData, type EventType } from '@meridian/contracts';
import type { Insertable, Kysely } from 'kysely';
import { currentContext, formatTraceparent } from '../context.js';
import { AppError } from '../errors.js';
import { uuidv7 } from '../ids.js';
import type { BusTables, OutboxTable } from './migrations.js';
import type { Executor, Outbox, OutboxItem } from './types.js';

/** An {@link Outbox} that also tells in-process listeners (the relay) that a row was written. */
export interface ServiceOutbox extends Outbox {
  /**
   * Calls `listener` right after each enqueue, before the caller commits, so the relay can
   * look for the row moments later instead of at its next poll. Returns an unsubscribe.
   */
  onEnqueued(listener: () => void): () => void;
}

/** Rows per INSERT: 7 parameters each stays far below PostgreSQL's 65,535. */
const CHUNK = 1000;

/**
 * The outbox of one service. `enqueue` validates the event against the catalogue and writes
 * it in the caller's transaction, so the event exists if and only if the state change does.
 *
 * @example
 * const outbox = createOutbox({ source: 'auth' });
 * await db.transaction().execute(async (trx) => {
 *   await trx.insertInto('users').values(user).execute();
 *   await outbox.enqueue(trx, 'auth.user.registered', { userId, email, registeredAt }, { subject: userId });
 * });
 */
export function createOutbox(options: { source: string }): ServiceOutbox {
  const listeners = new Set<() => void>();

  function row(type: string, data: unknown, subject: string | undefined, traceparent: string | null): Insertable<OutboxTable> {
    // The static types already say so, but callers can reach here with a string from
    // elsewhere; publishing an unknown or invalid event is a bug, never a warning.
    if (!isEventType(type)) throw new AppError('internal', `unknown event type "${type}"`);
    const parsed = eventCatalog[type].safeParse(data);
    if (!parsed.success) {
      throw new AppError('internal', `invalid data for event ${type}: ${parsed.error.message}`, { cause: parsed.error });
    }
    return {
      id: uuidv7(),
      source: options.source,
      type,
      subject: subject ?? null,
      time: new Date().toISOString(),
      data: JSON.stringify(parsed.data),
      traceparent,
    };
  }

  function traceparent(): string | null {
    const ctx = currentContext();
    return ctx ? formatTraceparent(ctx) : null;
  }

  function notify(): void {
    for (const listener of listeners) listener();
  }

  return {
    async enqueue<T extends EventType>(trx: Executor, type: T, data: EventData<T>, opts: { subject?: string } = {}): Promise<string> {
      const values = row(type, data, opts.subject, traceparent());
      const db = trx as Kysely<BusTables>; // any service's executor; only the outbox table is touched
      await db.insertInto('outbox').values(values).execute();
      notify();
      return values.id;
    },

    async enqueueMany(trx: Executor, items: OutboxItem[]): Promise<string[]> {
      if (items.length === 0) return [];
      const tp = traceparent();
      const rows = items.map((item) => row(item.type, item.data, item.subject, tp));
      const db = trx as Kysely<BusTables>;
      for (let i = 0; i < rows.length; i += CHUNK) {
        await db.insertInto('outbox').values(rows.slice(i, i + CHUNK)).execute();
      }
      notify();
      return rows.map((r) => r.id);
    },

    onEnqueued(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
