import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balances, findViolations, newViolations, symbolsToReplay, type LedgerAccount, type LedgerActivity } from './ledger.js';

const broker: LedgerAccount = { id: 'acc', name: 'Broker', trackCash: false };
const bank: LedgerAccount = { id: 'bank', name: 'Cash', trackCash: true };
const ira: LedgerAccount = { id: 'ira', name: 'IRA', trackCash: false };
const accounts = new Map([
  [broker.id, broker],
  [bank.id, bank],
  [ira.id, ira],
]);

let seq = 0;
function act(fields: Partial<LedgerActivity> & Pick<LedgerActivity, 'type' | 'date'>): LedgerActivity {
  return {
    id: `a${++seq}`,
    accountId: 'acc',
    symbol: null,
    quantity: null,
    unitPrice: null,
    amount: null,
    fee: '0',
    tax: '0',
    currency: 'USD',
    ratio: null,
    ...fields,
  };
}

const buy = (date: string, quantity: string, extra: Partial<LedgerActivity> = {}) => act({ type: 'BUY', date, symbol: 'AAPL', quantity, unitPrice: '10', ...extra });
const sell = (date: string, quantity: string, extra: Partial<LedgerActivity> = {}) => act({ type: 'SELL', date, symbol: 'AAPL', quantity, unitPrice: '10', ...extra });

describe('the ledger rules', () => {
  it('rejects a sell larger than the position at its date, saying what was held', () => {
    const s = sell('2024-02-01', '15');
    expect(findViolations(accounts, [buy('2024-01-01', '10'), s, buy('2024-03-01', '10')])).toEqual([
      { kind: 'insufficient_position', activityId: s.id, accountId: 'acc', symbol: 'AAPL', date: '2024-02-01', type: 'SELL', requested: '15', held: '10' },
    ]);
  });

  it('lets a sell use a buy entered later on the same day', () => {
    expect(findViolations(accounts, [sell('2024-02-01', '10'), buy('2024-02-01', '10')])).toEqual([]);
  });

  it('applies a split before the trades of its day', () => {
    const split = act({ type: 'SPLIT', date: '2024-02-01', symbol: 'AAPL', ratio: '4:1' });
    expect(findViolations(accounts, [buy('2024-01-01', '10'), sell('2024-02-01', '40'), split])).toEqual([]);
    expect(findViolations(accounts, [buy('2024-01-01', '10'), split, sell('2024-02-01', '41')])).toHaveLength(1);
  });

  it('keeps positions per account and symbol', () => {
    expect(findViolations(accounts, [buy('2024-01-01', '10'), sell('2024-01-02', '1', { symbol: 'MSFT' })])).toHaveLength(1);
    expect(findViolations(accounts, [buy('2024-01-01', '10', { accountId: 'ira' }), sell('2024-01-02', '1')])).toHaveLength(1);
  });

  it('checks cash only where it is tracked, at the end of each day, per currency', () => {
    const deposit = act({ type: 'DEPOSIT', date: '2024-01-01', amount: '100', accountId: 'bank' });
    const spend = buy('2024-01-02', '10', { accountId: 'bank', fee: '1' });
    const refill = act({ type: 'DEPOSIT', date: '2024-01-02', amount: '1', accountId: 'bank' });
    expect(findViolations(accounts, [deposit, spend])).toEqual([
      { kind: 'negative_cash', activityId: spend.id, accountId: 'bank', currency: 'USD', date: '2024-01-02', balance: '-1' },
    ]);
    expect(findViolations(accounts, [deposit, spend, refill])).toEqual([]);
    expect(findViolations(accounts, [deposit, { ...spend, currency: 'EUR' }, refill])).toHaveLength(1);
    expect(findViolations(accounts, [buy('2024-01-02', '10')])).toEqual([]);
  });

  it('reports only what a change adds to violations the data already had', () => {
    const old = [buy('2024-01-01', '1'), sell('2024-01-02', '5')];
    const before = findViolations(accounts, old);
    expect(before).toHaveLength(1);
    expect(newViolations(before, findViolations(accounts, [...old, buy('2024-02-01', '1')]))).toEqual([]);
    // The refused sell took nothing: the one share is still there to sell, two are not.
    expect(newViolations(before, findViolations(accounts, [...old, sell('2024-02-01', '1')]))).toEqual([]);
    expect(newViolations(before, findViolations(accounts, [...old, sell('2024-02-01', '2')]))).toHaveLength(1);
  });

  it('reads balances at the end of a day', () => {
    const acts = [act({ type: 'DEPOSIT', date: '2024-01-01', amount: '1000', accountId: 'bank' }), buy('2024-01-02', '10', { accountId: 'bank' }), sell('2024-01-03', '4', { accountId: 'bank', fee: '1' })];
    const at2 = balances(bank, acts, '2024-01-02');
    expect([...at2.positions].map(([s, q]) => [s, q.toString()])).toEqual([['AAPL', '10']]);
    expect(at2.cash.get('USD')?.toString()).toBe('900');
    expect(balances(bank, acts, null).cash.get('USD')?.toString()).toBe('939');
  });

  it('never reports a history whose sells stay within what was bought, and always reports selling one more', () => {
    const step = fc.record({ day: fc.integer({ min: 1, max: 28 }), buy: fc.integer({ min: 0, max: 1000 }), sellShare: fc.double({ min: 0, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        const sorted = [...steps].sort((a, b) => a.day - b.day);
        const acts: LedgerActivity[] = [];
        let held = 0;
        let lastDay = 1;
        for (const s of sorted) {
          const date = `2024-01-${String(s.day).padStart(2, '0')}`;
          if (s.buy > 0) acts.push(buy(date, String(s.buy)));
          held += s.buy;
          const q = Math.floor(held * s.sellShare);
          if (q > 0) acts.push(sell(date, String(q)));
          held -= q;
          lastDay = s.day;
        }
        // Order within the input does not matter: reversing it changes nothing.
        expect(findViolations(accounts, acts)).toEqual([]);
        expect(findViolations(accounts, [...acts].reverse())).toEqual([]);
        const extra = sell(`2024-01-${String(lastDay).padStart(2, '0')}`, String(held + 1));
        expect(findViolations(accounts, [...acts, extra]).map((v) => v.activityId)).toEqual([extra.id]);
      }),
      { numRuns: 200 },
    );
  });

  it('finds the same new violations replaying only the appended symbols as replaying the whole account', () => {
    const only = new Map([[broker.id, broker]]);
    const activity = fc.record({
      type: fc.constantFrom('BUY', 'SELL', 'SPLIT', 'TRANSFER_IN', 'TRANSFER_OUT', 'DIVIDEND', 'DEPOSIT', 'FEE'),
      day: fc.integer({ min: 1, max: 20 }),
      symbol: fc.constantFrom('AAPL', 'MSFT', 'VTI'),
      quantity: fc.integer({ min: 1, max: 50 }),
    });
    const toActivity = (a: { type: string; day: number; symbol: string; quantity: number }): LedgerActivity => {
      const date = `2024-03-${String(a.day).padStart(2, '0')}`;
      switch (a.type) {
        case 'DEPOSIT':
        case 'FEE':
          return act({ type: a.type, date, amount: String(a.quantity) });
        case 'SPLIT':
          return act({ type: 'SPLIT', date, symbol: a.symbol, ratio: a.quantity % 2 === 0 ? '2:1' : '1:3' });
        case 'DIVIDEND':
          return act({ type: 'DIVIDEND', date, symbol: a.symbol, amount: String(a.quantity) });
        case 'BUY':
        case 'TRANSFER_IN':
          // Inflows larger than outflows, so most sells pass and a change can tip one over.
          return act({ type: a.type, date, symbol: a.symbol, quantity: String(a.quantity * 4), unitPrice: '10' });
        default:
          return act({ type: a.type as 'SELL', date, symbol: a.symbol, quantity: String(a.quantity), unitPrice: '10' });
      }
    };
    // The appended activity leans to the kinds that can take a position down.
    const appended = fc.record({
      type: fc.constantFrom('SELL', 'SPLIT', 'SPLIT', 'TRANSFER_OUT', 'BUY', 'DEPOSIT'),
      day: fc.integer({ min: 1, max: 20 }),
      symbol: fc.constantFrom('AAPL', 'MSFT', 'VTI'),
      quantity: fc.integer({ min: 1, max: 50 }),
    });
    fc.assert(
      fc.property(fc.array(activity, { maxLength: 40 }), appended, (history, next) => {
        const stored = history.map(toActivity);
        const added = toActivity(next);
        const full = newViolations(findViolations(only, stored), findViolations(only, [...stored, added]));
        const symbols = symbolsToReplay(only, { add: [added] });
        expect(symbols).toBeDefined();
        const subset = stored.filter((a) => a.symbol !== null && (symbols ?? []).includes(a.symbol));
        const partial = symbols && symbols.length > 0 ? newViolations(findViolations(only, subset), findViolations(only, [...subset, added])) : [];
        expect(partial).toEqual(full);
      }),
      { numRuns: 500 },
    );
  });

  it('replays whole accounts for edits, deletes, cash-tracking accounts and other accounts', () => {
    const a = buy('2024-03-01', '1');
    expect(symbolsToReplay(new Map([[broker.id, broker]]), { add: [a] })).toEqual([]);
    expect(symbolsToReplay(new Map([[broker.id, broker]]), { add: [sell('2024-03-01', '1')] })).toEqual(['AAPL']);
    // A reverse split takes a position down: a later sell that fitted may no longer fit.
    const reverse = act({ type: 'SPLIT', date: '2024-03-03', symbol: 'AAPL', ratio: '1:3' });
    expect(symbolsToReplay(new Map([[broker.id, broker]]), { add: [reverse] })).toEqual(['AAPL']);
    expect(symbolsToReplay(new Map([[bank.id, bank]]), { add: [{ ...a, accountId: 'bank' }] })).toBeUndefined();
    expect(symbolsToReplay(new Map([[broker.id, broker]]), { add: [a], remove: ['x'] })).toBeUndefined();
    expect(symbolsToReplay(new Map([[broker.id, broker]]), { replace: [a] })).toBeUndefined();
    expect(symbolsToReplay(new Map([[ira.id, ira]]), { add: [a] })).toBeUndefined();
  });
});
