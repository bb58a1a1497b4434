import { ZERO, type Decimal } from './decimal.js';
import type { Day } from './dates.js';
import type { CostBasisMethod } from './types.js';

/**
 * Decimal places of a pro-rata share of a cost or of proceeds (a partly sold lot, a sale
 * spread over lots). The remainder always stays with the other part, so totals are exact
 * whatever this is; 12 places keep sub-cent shares of any currency and small BigInts.
 */
export const ALLOCATION_SCALE = 12;

/** Shares bought together: quantity and total cost (fees and taxes included). */
export interface Lot {
  /** Day the shares were acquired (kept through transfers between the user's accounts). */
  readonly acquired: Day;
  readonly quantity: Decimal;
  /** In the instrument's currency. */
  readonly cost: Decimal;
  /** In the base currency, at the FX rate of the acquisition. */
  readonly costBase: Decimal;
  readonly activityId: string;
}

/**
 * The open lots of one position. FIFO keeps them in acquisition order; AVERAGE keeps a
 * single pool whose cost per share is the average, dated by its first acquisition.
 * Totals are kept exactly: quantity and cost removed plus quantity and cost left always
 * equal what went in.
 */
export interface LotBook {
  readonly method: CostBasisMethod;
  lots: Lot[];
  head: number;
  quantity: Decimal;
  cost: Decimal;
  costBase: Decimal;
}

/** An empty position under the given cost basis method. */
export function newLotBook(method: CostBasisMethod): LotBook {
  return { method, lots: [], head: 0, quantity: ZERO, cost: ZERO, costBase: ZERO };
}

/** Open lots, oldest first. */
export function openLots(book: LotBook): readonly Lot[] {
  return book.head === 0 ? book.lots : book.lots.slice(book.head);
}

/** Adds lots; under FIFO a lot older than the newest (a transfer in) is placed by acquisition date. */
export function addLots(book: LotBook, lots: readonly Lot[]): void {
  for (const lot of lots) {
    book.quantity = book.quantity.add(lot.quantity);
    book.cost = book.cost.add(lot.cost);
    book.costBase = book.costBase.add(lot.costBase);
    if (book.method === 'AVERAGE') {
      const pool = book.lots[book.head];
      book.lots = [
        pool
          ? {
              acquired: Math.min(pool.acquired, lot.acquired),
              quantity: pool.quantity.add(lot.quantity),
              cost: pool.cost.add(lot.cost),
              costBase: pool.costBase.add(lot.costBase),
              activityId: pool.activityId,
            }
          : lot,
      ];
      book.head = 0;
      continue;
    }
    const last = book.lots[book.lots.length - 1];
    if (book.lots.length === book.head || (last !== undefined && last.acquired <= lot.acquired)) {
      book.lots.push(lot);
      continue;
    }
    let at = book.lots.length;
    while (at > book.head && book.lots[at - 1]!.acquired > lot.acquired) at--;
    book.lots.splice(at, 0, lot);
  }
}

/** What {@link takeLots} removed; `shortfall` is the part of the request that was not held. */
export interface Taken {
  lots: Lot[];
  shortfall: Decimal;
}

/**
 * Removes `quantity` (FIFO: oldest lots first; AVERAGE: its share of the pool's cost).
 * A partly used lot keeps the exact remainder of its cost, so no cost is lost to rounding.
 */
export function takeLots(book: LotBook, quantity: Decimal): Taken {
  const taken: Lot[] = [];
  let remaining = quantity;
  while (remaining.isPositive() && book.head < book.lots.length) {
    const lot = book.lots[book.head]!;
    if (lot.quantity.lte(remaining)) {
      taken.push(lot);
      book.head++;
      remaining = remaining.sub(lot.quantity);
      continue;
    }
    const cost = lot.cost.mulDiv(remaining, lot.quantity, ALLOCATION_SCALE);
    const costBase = lot.costBase.mulDiv(remaining, lot.quantity, ALLOCATION_SCALE);
    taken.push({ acquired: lot.acquired, quantity: remaining, cost, costBase, activityId: lot.activityId });
    book.lots[book.head] = {
      acquired: lot.acquired,
      quantity: lot.quantity.sub(remaining),
      cost: lot.cost.sub(cost),
      costBase: lot.costBase.sub(costBase),
      activityId: lot.activityId,
    };
    remaining = ZERO;
  }
  if (book.head > 16 && book.head * 2 > book.lots.length) {
    book.lots = book.lots.slice(book.head);
    book.head = 0;
  }
  for (const lot of taken) {
    book.quantity = book.quantity.sub(lot.quantity);
    book.cost = book.cost.sub(lot.cost);
    book.costBase = book.costBase.sub(lot.costBase);
  }
  return { lots: taken, shortfall: remaining };
}

/** Applies a split of `newShares` for every `oldShares`: quantities change, costs do not. */
export function splitLots(book: LotBook, newShares: Decimal, oldShares: Decimal): void {
  let quantity = ZERO;
  const lots: Lot[] = [];
  for (let i = book.head; i < book.lots.length; i++) {
    const lot = book.lots[i]!;
    const q = lot.quantity.mulDiv(newShares, oldShares);
    quantity = quantity.add(q);
    lots.push({ ...lot, quantity: q });
  }
  book.lots = lots;
  book.head = 0;
  book.quantity = quantity;
}

/**
 * Splits `total` over parts in proportion to `weights`, exactly: every part but the last
 * is rounded, the last takes the remainder, so the parts always sum to `total`.
 */
export function allocate(total: Decimal, weights: readonly Decimal[]): Decimal[] {
  if (weights.length === 1) return [total];
  let sum = ZERO;
  for (const w of weights) sum = sum.add(w);
  const out: Decimal[] = [];
  let used = ZERO;
  for (let i = 0; i < weights.length; i++) {
    if (i === weights.length - 1 || sum.isZero()) {
      out.push(i === weights.length - 1 ? total.sub(used) : ZERO);
      continue;
    }
    const part = total.mulDiv(weights[i]!, sum, ALLOCATION_SCALE);
    used = used.add(part);
    out.push(part);
  }
  return out;
}
