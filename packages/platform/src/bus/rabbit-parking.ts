import type { ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';
import { ATTEMPTS, carriedOptions, freshHeaders, PARKED_AT, REASON, type QueueNames } from './rabbit-topology.js';
import type { ParkedMessage } from './types.js';

/** At most this many parked messages are looked at per call. */
const LIMIT = 10_000;

/**
 * Every message in the parking queue, without removing any: each is fetched unacknowledged
 * and all are handed back (nack with requeue) at the end. Holding them until then is what
 * keeps a requeued message from being fetched twice.
 */
export async function listParked(model: ChannelModel, names: QueueNames): Promise<ParkedMessage[]> {
  if (!(await queueExists(model, names.parking))) return [];
  const ch = await model.createChannel();
  ch.on('error', () => undefined);
  try {
    const out: ParkedMessage[] = [];
    let last: GetMessage | undefined;
    for (let i = 0; i < LIMIT; i++) {
      const msg = await ch.get(names.parking, { noAck: false });
      if (!msg) break;
      out.push(describe(msg));
      last = msg;
    }
    if (last) ch.nack(last, true, true);
    return out;
  } finally {
    await ch.close().catch(() => undefined);
  }
}

/**
 * Moves parked messages (all, or those whose event id is in `ids`) back to the main queue
 * with a fresh attempt count; each is acked in the parking queue only after the broker
 * confirmed its copy, so a failure duplicates (the inbox absorbs it) and never loses.
 */
export async function replayParked(model: ChannelModel, names: QueueNames, ids?: string[]): Promise<number> {
  if (!(await queueExists(model, names.parking))) return 0;
  const wanted = ids ? new Set(ids) : undefined;
  const ch = await model.createConfirmChannel();
  ch.on('error', () => undefined);
  let moved = 0;
  const kept: GetMessage[] = [];
  try {
    for (let i = 0; i < LIMIT; i++) {
      const msg = await ch.get(names.parking, { noAck: false });
      if (!msg) break;
      if (wanted && !wanted.has(describe(msg).id)) {
        kept.push(msg);
        continue;
      }
      await republish(ch, names.main, msg);
      ch.ack(msg);
      moved++;
    }
    for (const msg of kept) ch.nack(msg, false, true);
    return moved;
  } finally {
    await ch.close().catch(() => undefined);
  }
}

/** A service that never consumed has no parking queue: nothing is parked, not an error. */
async function queueExists(model: ChannelModel, queue: string): Promise<boolean> {
  // A failed passive declare closes its channel, so it gets one of its own.
  const ch = await model.createChannel();
  ch.on('error', () => undefined);
  try {
    await ch.checkQueue(queue);
    await ch.close();
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return false;
    throw err;
  }
}

function republish(ch: ConfirmChannel, queue: string, msg: GetMessage): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    ch.sendToQueue(queue, msg.content, carriedOptions(msg.properties, freshHeaders(msg.properties.headers)), (err: unknown) => {
      if (err) reject(err instanceof Error ? err : new Error('the broker did not accept the message'));
      else resolve();
    });
  });
}

function describe(msg: GetMessage): ParkedMessage {
  const headers = msg.properties.headers ?? {};
  let body: unknown;
  try {
    body = JSON.parse(msg.content.toString('utf8'));
  } catch {
    body = msg.content.toString('utf8');
  }
  const bodyId = typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
  const bodyType = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined;
  // A message the broker dead-lettered itself (too many unacknowledged deliveries) has no
  // reason of ours, only RabbitMQ's.
  const brokerReason = headers['x-first-death-reason'];
  return {
    id: String(msg.properties.messageId ?? bodyId ?? `delivery-${msg.fields.deliveryTag}`),
    type: String(msg.properties.type ?? bodyType ?? 'unknown'),
    attempts: Number(headers[ATTEMPTS] ?? 0),
    reason: String(headers[REASON] ?? (brokerReason ? `dead-lettered by the broker: ${String(brokerReason)}` : 'unknown')),
    parkedAt: String(headers[PARKED_AT] ?? new Date(Number(msg.properties.timestamp ?? 0) * 1000).toISOString()),
    body,
  };
}
