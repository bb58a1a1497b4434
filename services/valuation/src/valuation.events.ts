import type { EventData, PricePoint } from '@meridian/contracts';
import type { Executor, Outbox } from '@meridian/platform';

type PricesUpdated = EventData<'valuation.prices.updated'>;

/** Prices per `valuation.prices.updated` event: consumers get bounded messages. */
export const PRICES_PER_EVENT = 500;

/**
 * Announces stored daily closes as `valuation.prices.updated`, in batches, inside the
 * transaction that stored them: the events exist if and only if the prices do.
 * Prices of a user's manual instrument carry `ownerId` and that user as the subject.
 */
export async function publishPricesUpdated(
  outbox: Outbox,
  trx: Executor,
  prices: PricePoint[],
  options: { kind: PricesUpdated['kind']; ownerId?: string | null },
): Promise<number> {
  let events = 0;
  for (let i = 0; i < prices.length; i += PRICES_PER_EVENT) {
    const data: PricesUpdated = {
      kind: options.kind,
      prices: prices.slice(i, i + PRICES_PER_EVENT),
      ...(options.ownerId ? { ownerId: options.ownerId } : {}),
    };
    await outbox.enqueue(trx, 'valuation.prices.updated', data, options.ownerId ? { subject: options.ownerId } : {});
    events += 1;
  }
  return events;
}
