import { eventCatalog, isEventType, type EventData, type EventType } from '@meridian/contracts';
import type { Kysely } from 'kysely';
import { currentContext, formatTraceparent } from '../context.js';
import { AppError } from '../errors.js';
import { uuidv7 } from '../ids.js';
import type { BusTables } from './migrations.js';
import type { Executor, Outbox } from './types.js';

/** An {@link Outbox} that also tells in-process listeners (the relay) that a row was written. */
export interface ServiceOutbox extends Outbox {
  /**
   * Calls `listener` right after each enqueue, before the caller commits, so the relay can
   * look for the row moments later instead of at its next poll. Returns an unsubscribe.
   */
  onEnqueued(listener: () => void): () => void;
}

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
  return {
    async enqueue<T extends EventType>(
      trx: Executor,
      type: T,
      data: EventData<T>,
      opts: { subject?: string } = {},
    ): Promise<string> {
      // The static type already says so, but callers can reach here with a string from
      // elsewhere; publishing an unknown or invalid event is a bug, never a warning.
      if (!isEventType(type)) throw new AppError('internal', `unknown event type "${String(type)}"`);
      const parsed = eventCatalog[type].safeParse(data);
      if (!parsed.success) {
        throw new AppError('internal', `invalid data for event ${type}: ${parsed.error.message}`, {
          cause: parsed.error,
        });
      }
      const ctx = currentContext();
      const id = uuidv7();
      const db = trx as Kysely<BusTables>; // any service's executor; only the outbox table is touched
      await db
        .insertInto('outbox')
        .values({
          id,
          source: options.source,
          type,
          subject: opts.subject ?? null,
          time: new Date().toISOString(),
          data: JSON.stringify(parsed.data),
          traceparent: ctx ? formatTraceparent(ctx) : null,
        })
        .execute();
      for (const listener of listeners) listener();
      return id;
    },
    onEnqueued(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
