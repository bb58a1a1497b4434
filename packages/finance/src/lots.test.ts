import { describe, expect, it } from 'vitest';
import { parseDate } from './dates.js';
import { toDecimal as d, ZERO } from './decimal.js';
import { addLots, allocate, newLotBook, openLots, splitLots, takeLots, type Lot } from './lots.js';

function lot(date: string, quantity: string, cost: string, id = date): Lot {
  return { acquired: parseDate(date), quantity: d(quantity), cost: d(cost), costBase: d(cost), activityId: id };
}

describe('lots', () => {
  it('sells the oldest lots first under FIFO, keeping the exact remainder of a partly sold lot', () => {
    const book = newLotBook('FIFO');
    addLots(book, [lot('2024-01-01', '3', '10'), lot('2024-02-01', '5', '60')]);
    const taken = takeLots(book, d('4'));
    expect(taken.lots.map((l) => [l.quantity.toString(), l.cost.toString()])).toEqual([
      ['3', '10'],
      ['1', '12'],
    ]);
    expect(book.quantity.toString()).toBe('4');
    expect(book.cost.toString()).toBe('48');
    expect(taken.shortfall.isZero()).toBe(true);
  });

  it('never loses cost to rounding when a lot is split into thirds', () => {
    const book = newLotBook('FIFO');
    addLots(book, [lot('2024-01-01', '3', '100')]);
    const parts = [takeLots(book, d('1')), takeLots(book, d('1')), takeLots(book, d('1'))];
    const costs = parts.map((t) => t.lots[0]!.cost);
    expect(costs[0]!.toString()).toBe('33.333333333333');
    expect(costs.reduce((a, c) => a.add(c), ZERO).toString()).toBe('100');
    expect(book.cost.isZero() && book.quantity.isZero()).toBe(true);
  });

  it('uses the pool average under AVERAGE cost', () => {
    const book = newLotBook('AVERAGE');
    addLots(book, [lot('2024-01-01', '10', '100'), lot('2024-03-01', '10', '200')]);
    expect(openLots(book)).toHaveLength(1);
    const taken = takeLots(book, d('5'));
    expect(taken.lots[0]!.cost.toString()).toBe('75');
    expect(taken.lots[0]!.acquired).toBe(parseDate('2024-01-01'));
    expect(book.cost.toString()).toBe('225');
  });

  it('reports what was asked for beyond the position', () => {
    const book = newLotBook('FIFO');
    addLots(book, [lot('2024-01-01', '2', '20')]);
    const taken = takeLots(book, d('5'));
    expect(taken.shortfall.toString()).toBe('3');
    expect(book.quantity.isZero()).toBe(true);
  });

  it('places a transferred-in older lot by acquisition date', () => {
    const book = newLotBook('FIFO');
    addLots(book, [lot('2024-03-01', '1', '30', 'new')]);
    addLots(book, [lot('2024-01-01', '1', '10', 'old')]);
    expect(openLots(book).map((l) => l.activityId)).toEqual(['old', 'new']);
    expect(takeLots(book, d('1')).lots[0]!.activityId).toBe('old');
  });

  it('splits and reverse-splits quantities without touching cost', () => {
    const book = newLotBook('FIFO');
    addLots(book, [lot('2024-01-01', '10', '1000'), lot('2024-02-01', '3', '330')]);
    splitLots(book, d('3'), d('1'));
    expect(book.quantity.toString()).toBe('39');
    splitLots(book, d('1'), d('4'));
    expect(openLots(book).map((l) => l.quantity.toString())).toEqual(['7.5', '2.25']);
    expect(book.quantity.toString()).toBe('9.75');
    expect(book.cost.toString()).toBe('1330');
  });

  it('allocates an amount pro rata so that the parts sum exactly', () => {
    const parts = allocate(d('100'), [d('1'), d('1'), d('1')]);
    expect(parts.map(String)).toEqual(['33.333333333333', '33.333333333333', '33.333333333334']);
    expect(allocate(d('7'), [d('2')]).map(String)).toEqual(['7']);
    expect(allocate(d('10'), [ZERO, ZERO]).map(String)).toEqual(['0', '10']);
  });
});
