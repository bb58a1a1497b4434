import type { Channel, MessageProperties, Options } from 'amqplib';

/** The names of one consuming service's queues. */
export interface QueueNames {
  main: string;
  parking: string;
  /** Retry delay in ms → the TTL queue that holds a message that long. */
  retry: Map<number, string>;
}

export function queueNames(prefix: string, queue: string, retryDelaysMs: number[]): QueueNames {
  const main = `${prefix}.${queue}`;
  return {
    main,
    parking: `${main}.parking`,
    retry: new Map(retryDelaysMs.map((ms) => [ms, `${main}.retry.${ms}`])),
  };
}

/** Header counting failed attempts; it travels with the message through the retry queues. */
export const ATTEMPTS = 'x-meridian-attempts';
export const REASON = 'x-meridian-reason';
export const PARKED_AT = 'x-meridian-parked-at';

/**
 * How many times a message may be delivered without being acknowledged (the consumer
 * crashed or lost its connection mid-handling) before RabbitMQ dead-letters it to the
 * parking queue. Handler failures are counted by {@link ATTEMPTS} instead; this only stops
 * a message that kills its consumer from doing so forever.
 */
const DELIVERY_LIMIT = 20;

/**
 * Declares the exchange and a consuming service's queues, all durable quorum queues:
 * the main queue bound to each event type, one TTL queue per retry delay that dead-letters
 * back to the main queue through the default exchange, and the parking queue.
 * Dead-lettering is at-least-once, so a broker failure while moving a message cannot drop it.
 */
export async function declareTopology(ch: Channel, exchange: string, names: QueueNames, types: string[]): Promise<void> {
  const quorum = { 'x-queue-type': 'quorum' };
  const deadLetterTo = (queue: string) => ({
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': queue,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  });
  await ch.assertExchange(exchange, 'topic', { durable: true });
  await ch.assertQueue(names.parking, { durable: true, arguments: quorum });
  await ch.assertQueue(names.main, {
    durable: true,
    arguments: { ...quorum, ...deadLetterTo(names.parking), 'x-delivery-limit': DELIVERY_LIMIT },
  });
  for (const [ms, name] of names.retry) {
    await ch.assertQueue(name, { durable: true, arguments: { ...quorum, ...deadLetterTo(names.main), 'x-message-ttl': ms } });
  }
  for (const type of types) await ch.bindQueue(names.main, exchange, type);
}

/** The publish options that carry a message's identity over when it moves between queues. */
export function carriedOptions(props: MessageProperties, headers: Record<string, unknown>): Options.Publish {
  return {
    persistent: true,
    headers,
    ...(props.messageId !== undefined ? { messageId: String(props.messageId) } : {}),
    ...(props.contentType !== undefined ? { contentType: String(props.contentType) } : {}),
    ...(props.type !== undefined ? { type: String(props.type) } : {}),
    ...(props.timestamp !== undefined ? { timestamp: Number(props.timestamp) } : {}),
    ...(props.appId !== undefined ? { appId: String(props.appId) } : {}),
  };
}

/** Headers without our retry bookkeeping and RabbitMQ's dead-letter history, for a fresh start. */
export function freshHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key === ATTEMPTS || key === REASON || key === PARKED_AT || key.startsWith('x-death') || key.startsWith('x-first-death') || key.startsWith('x-last-death')) continue;
    out[key] = value;
  }
  return out;
}
