import type { CloudEvent, EventData, EventType } from '@meridian/contracts';
import type { Kysely, Transaction } from 'kysely';

/**
 * A transaction (or Kysely) scoped to the service's schema. Outbox rows and inbox rows are
 * written through it so they commit or roll back with the state change.
 */
export type Executor = Kysely<any> | Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tables of any service

/** Writes events into the service's own `outbox` table inside the caller's transaction. */
export interface Outbox {
  enqueue<T extends EventType>(
    trx: Executor,
    type: T,
    data: EventData<T>,
    options?: { subject?: string },
  ): Promise<string>;
  /**
   * Writes several events with one statement per 1,000 (an import that records many
   * activities, a batch of orders); same validation and transaction rules as `enqueue`.
   * Returns the ids.
   */
  enqueueMany(trx: Executor, items: OutboxItem[]): Promise<string[]>;
}

/** One event for {@link Outbox.enqueueMany}, type-checked against the catalogue. */
export type OutboxItem = { [T in EventType]: { type: T; data: EventData<T>; subject?: string } }[EventType];

/** What a consumer's handler receives: the parsed event and the transaction its effect must use. */
export type EventHandler<T extends EventType = EventType> = (
  event: CloudEvent<T>,
  trx: Transaction<any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- tables of the consuming service
) => Promise<void>;

export type EventHandlers = { [T in EventType]?: EventHandler<T> };

/** A message as it sits in a parking queue. */
export interface ParkedMessage {
  id: string;
  type: string;
  attempts: number;
  reason: string;
  parkedAt: string;
  body: unknown;
}

/**
 * The broker side: RabbitMQ in the distributed mode, an in-process transport in the
 * embedded one. Both give at-least-once delivery; the inbox makes handling exactly-once.
 */
export interface Transport {
  readonly kind: 'memory' | 'rabbitmq';
  /** Resolves once every event is safely with the broker (publisher confirms). */
  publish(events: CloudEvent[]): Promise<void>;
  /**
   * Starts consuming for `queue` (one per consuming service) the given types. `handle`
   * resolves when the effect is committed; a rejection means retry with back-off, then park,
   * except an `UnprocessableEventError` (not a valid event), which is parked at once.
   */
  consume(
    queue: string,
    types: string[],
    handle: (raw: unknown) => Promise<void>,
    options: { maxAttempts: number; prefetch?: number },
  ): Promise<{ stop(): Promise<void> }>;
  listParked(queue: string): Promise<ParkedMessage[]>;
  /** Moves parked messages (all, or the given ids) back to the queue; returns how many. */
  replayParked(queue: string, ids?: string[]): Promise<number>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
