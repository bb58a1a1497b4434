import { z } from 'zod';
import { authEvents } from './events/auth.js';
import { executionEvents } from './events/execution.js';
import { transactionsEvents } from './events/transactions.js';
import { valuationEvents } from './events/valuation.js';

/**
 * The event catalogue: every event type Meridian publishes, with the zod schema of its
 * `data`. Publishing or consuming a type that is not here, or data that does not parse,
 * is an error. Names read `service.entity.verb_in_past_tense`.
 */
export const eventCatalog = {
  ...authEvents,
  ...transactionsEvents,
  ...valuationEvents,
  ...executionEvents,
} as const;

export type EventCatalog = typeof eventCatalog;
export type EventType = keyof EventCatalog;
export type EventData<T extends EventType> = z.infer<EventCatalog[T]>;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalog, type);
}

/** CloudEvents 1.0 envelope (JSON format), with the W3C trace context extension. */
export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.uuid(),
  source: z.string().min(1),
  type: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().optional(),
  datacontenttype: z.literal('application/json').optional(),
  traceparent: z.string().optional(),
  data: z.unknown(),
});

export type CloudEvent<T extends EventType = EventType> = Omit<
  z.infer<typeof cloudEventSchema>,
  'type' | 'data'
> & { type: T; data: EventData<T> };

/** Parses an envelope and its data against the catalogue; throws a ZodError or Error when invalid. */
export function parseEvent(raw: unknown): CloudEvent {
  const envelope = cloudEventSchema.parse(raw);
  if (!isEventType(envelope.type)) throw new Error(`unknown event type "${envelope.type}"`);
  const data = eventCatalog[envelope.type].parse(envelope.data);
  return { ...envelope, type: envelope.type, data };
}
