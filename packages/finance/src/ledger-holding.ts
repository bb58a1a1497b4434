import type { NormalizedActivity } from './activities.js';
import { convertExact, segmentIndex, toBaseExact } from './context.js';
import { ZERO, type Decimal } from './decimal.js';
import type { Day } from './dates.js';
import { account, cashSide, diagnose, emptyLedger, flow, fxFloat, post, pushFlow } from './ledger-common.js';
import { addLots, allocate, newLotBook, openLots, splitLots, takeLots, type Lot, type LotBook } from './lots.js';
import { exactAt, indexAtOrBefore } from './market.js';
import { OUTSIDE, type InstrumentInfo, type LedgerOutput, type Portfolio, type PositionHistory } from './state.js';

interface Position {
  readonly book: LotBook;
  readonly history: PositionHistory;
}

/**
 * Replays every activity about one instrument, in every account (transfers move lots between
 * them), and returns lots, realised gains, income, cash postings and flows.
 */
export function runHoldingLedger(p: Portfolio, key: string, symbol: string, acts: readonly NormalizedActivity[]): LedgerOutput {
  const out = emptyLedger(key, acts.length);
  const inst = p.instruments.get(symbol);
  if (!inst) throw new Error(`instrument ${symbol} was not registered`);
  const positions = new Map<string, Position>();
  const changed = new Set<Position>();
  const handled = new Set<string>();

  const position = (accountId: string): Position => {
    let pos = positions.get(accountId);
    if (!pos) {
      const seg = segmentIndex(p, 'position', accountId, symbol);
      out.segments.add(seg);
      const history: PositionHistory = { segment: seg, accountId, symbol, days: [], quantity: [], cost: [], costBase: [], lots: [] };
      pos = { book: newLotBook(account(p, accountId).costBasis), history };
      positions.set(accountId, pos);
      out.positions.push(history);
    }
    return pos;
  };

  let day: Day | null = null;
  const flush = (): void => {
    if (day === null) return;
    for (const pos of changed) {
      pos.history.days.push(day);
      pos.history.quantity.push(pos.book.quantity);
      pos.history.cost.push(pos.book.cost);
      pos.history.costBase.push(pos.book.costBase);
    }
    changed.clear();
  };

  for (const a of acts) {
    if (a.day !== day) {
      flush();
      day = a.day;
    }
    if (handled.has(a.id)) continue;
    switch (a.type) {
      case 'BUY':
        buy(p, out, inst, position(a.accountId), a);
        changed.add(position(a.accountId));
        break;
      case 'SELL':
        sell(p, out, inst, position(a.accountId), a);
        changed.add(position(a.accountId));
        break;
      case 'DIVIDEND':
      case 'INTEREST':
        income(p, out, position(a.accountId), a);
        break;
      case 'FEE':
      case 'TAX':
        charge(p, out, position(a.accountId), a, a.type === 'FEE' ? a.amount! : ZERO, a.type === 'TAX' ? a.amount! : ZERO);
        break;
      case 'SPLIT': {
        const pos = position(a.accountId);
        if (!pos.book.quantity.isZero()) {
          splitLots(pos.book, a.splitNew!, a.splitOld!);
          changed.add(pos);
        }
        break;
      }
      case 'VALUATION':
        if (a.currency !== inst.currency) {
          diagnose(out, a, 'error', 'INVALID_ACTIVITY', `valuation in ${a.currency} for an instrument quoted in ${inst.currency}; ignored`);
        } else {
          out.manual.push(a);
        }
        break;
      case 'TRANSFER_IN':
      case 'TRANSFER_OUT': {
        const partner = p.pairs.get(a.id);
        if (partner) {
          const outLeg = a.type === 'TRANSFER_OUT' ? a : partner;
          const inLeg = a.type === 'TRANSFER_OUT' ? partner : a;
          handled.add(partner.id);
          const from = position(outLeg.accountId);
          const to = position(inLeg.accountId);
          moveLots(p, out, inst, from, to, outLeg, inLeg);
          changed.add(from);
          changed.add(to);
        } else if (a.type === 'TRANSFER_OUT') {
          transferOut(p, out, position(a.accountId), a);
          changed.add(position(a.accountId));
        } else {
          transferIn(p, out, inst, position(a.accountId), a);
          changed.add(position(a.accountId));
        }
        break;
      }
      case 'DEPOSIT':
      case 'WITHDRAWAL':
        throw new Error(`${a.type} ${a.id} routed to a holding ledger`);
    }
  }
  flush();
  for (const pos of positions.values()) pos.history.lots = openLots(pos.book).slice();
  return out;
}

function buy(p: Portfolio, out: LedgerOutput, inst: InstrumentInfo, pos: Position, a: NormalizedActivity): void {
  const quantity = a.quantity!;
  const gross = quantity.mul(a.unitPrice!);
  const total = gross.add(a.fee).add(a.tax);
  addLots(pos.book, [
    {
      acquired: a.day,
      quantity,
      cost: convertExact(p, total, a.currency, inst.currency, a.day, a.fxRate),
      costBase: toBaseExact(p, total, a.currency, a.day, a.fxRate),
      activityId: a.id,
    },
  ]);
  const src = cashSide(p, out, account(p, a.accountId), a.currency);
  post(out, src, a.day, total.neg());
  flow(out, a.day, src, pos.history.segment, total.toNumber() * fxFloat(p, a));
  if (a.currency === inst.currency) out.trades.push(a);
}

function sell(p: Portfolio, out: LedgerOutput, inst: InstrumentInfo, pos: Position, a: NormalizedActivity): void {
  const quantity = a.quantity!;
  const gross = quantity.mul(a.unitPrice!);
  const net = gross.sub(a.fee).sub(a.tax);
  const taken = takeLots(pos.book, quantity);
  const lots: Lot[] = taken.lots.slice();
  if (taken.shortfall.isPositive()) {
    out.shortfalls.set(a.id, taken.shortfall);
    diagnose(
      out,
      a,
      'error',
      'OVERSELL',
      `sells ${quantity.toString()} but only ${quantity.sub(taken.shortfall).toString()} held: the missing ${taken.shortfall.toString()} are treated as acquired at zero cost`,
    );
    lots.push({ acquired: a.day, quantity: taken.shortfall, cost: ZERO, costBase: ZERO, activityId: a.id });
  }
  const weights = lots.map((l) => l.quantity);
  const proceeds = allocate(convertExact(p, net, a.currency, inst.currency, a.day, a.fxRate), weights);
  const proceedsBase = allocate(toBaseExact(p, net, a.currency, a.day, a.fxRate), weights);
  const method = pos.book.method;
  lots.forEach((lot, i) => {
    out.realised.push({
      activityId: a.id,
      accountId: a.accountId,
      symbol: inst.symbol,
      currency: inst.currency,
      method,
      acquired: lot.acquired,
      sold: a.day,
      quantity: lot.quantity,
      proceeds: proceeds[i]!,
      cost: lot.cost,
      proceedsBase: proceedsBase[i]!,
      costBase: lot.costBase,
    });
  });
  const src = cashSide(p, out, account(p, a.accountId), a.currency);
  post(out, src, a.day, net);
  flow(out, a.day, pos.history.segment, src, net.toNumber() * fxFloat(p, a));
  if (a.currency === inst.currency) out.trades.push(a);
}

function income(p: Portfolio, out: LedgerOutput, pos: Position, a: NormalizedActivity): void {
  const gross = a.amount!;
  const net = gross.sub(a.fee).sub(a.tax);
  const src = cashSide(p, out, account(p, a.accountId), a.currency);
  post(out, src, a.day, net);
  flow(out, a.day, pos.history.segment, src, net.toNumber() * fxFloat(p, a));
}

/** A fee or tax charged to a holding (or the fees of a transfer leg). */
function charge(p: Portfolio, out: LedgerOutput, pos: Position, a: NormalizedActivity, extraFee: Decimal, extraTax: Decimal): void {
  const fee = a.fee.add(extraFee);
  const tax = a.tax.add(extraTax);
  const total = fee.add(tax);
  if (fee.isZero() && tax.isZero()) return;
  const src = cashSide(p, out, account(p, a.accountId), a.currency);
  post(out, src, a.day, total.neg());
  flow(out, a.day, src, pos.history.segment, total.toNumber() * fxFloat(p, a));
}

function moveLots(
  p: Portfolio,
  out: LedgerOutput,
  inst: InstrumentInfo,
  from: Position,
  to: Position,
  outLeg: NormalizedActivity,
  inLeg: NormalizedActivity,
): void {
  const quantity = outLeg.quantity!;
  const taken = takeLots(from.book, quantity);
  const lots = taken.lots.slice();
  if (taken.shortfall.isPositive()) {
    out.shortfalls.set(outLeg.id, taken.shortfall);
    diagnose(
      out,
      outLeg,
      'error',
      'OVERSELL',
      `transfers ${quantity.toString()} ${inst.symbol} but only ${quantity.sub(taken.shortfall).toString()} held: the missing ones arrive at zero cost`,
    );
    lots.push({ acquired: outLeg.day, quantity: taken.shortfall, cost: ZERO, costBase: ZERO, activityId: outLeg.id });
  }
  addLots(to.book, lots);
  const moved = quantity.sub(taken.shortfall).toNumber();
  pushFlow(out.flows, outLeg.day, from.history.segment, to.history.segment, 0, moved);
  if (taken.shortfall.isPositive()) pushFlow(out.flows, outLeg.day, OUTSIDE, to.history.segment, 0, taken.shortfall.toNumber());
  charge(p, out, from, outLeg, ZERO, ZERO);
  charge(p, out, to, inLeg, ZERO, ZERO);
}

function transferOut(p: Portfolio, out: LedgerOutput, pos: Position, a: NormalizedActivity): void {
  if (a.transferId) diagnose(out, a, 'warning', 'UNPAIRED_TRANSFER', `transfer ${a.transferId} has no matching TRANSFER_IN that day: treated as leaving the portfolio`);
  const taken = takeLots(pos.book, a.quantity!);
  if (taken.shortfall.isPositive()) {
    out.shortfalls.set(a.id, taken.shortfall);
    diagnose(out, a, 'error', 'OVERSELL', `transfers out ${a.quantity!.toString()} but only ${a.quantity!.sub(taken.shortfall).toString()} held`);
  }
  const moved = a.quantity!.sub(taken.shortfall).toNumber();
  pushFlow(out.flows, a.day, pos.history.segment, OUTSIDE, 0, moved);
  charge(p, out, pos, a, ZERO, ZERO);
}

function transferIn(p: Portfolio, out: LedgerOutput, inst: InstrumentInfo, pos: Position, a: NormalizedActivity): void {
  if (a.transferId) diagnose(out, a, 'warning', 'UNPAIRED_TRANSFER', `transfer ${a.transferId} has no matching TRANSFER_OUT that day: treated as coming from outside`);
  const quantity = a.quantity!;
  let cost = ZERO;
  let costBase = ZERO;
  if (a.unitPrice) {
    const amount = quantity.mul(a.unitPrice);
    cost = convertExact(p, amount, a.currency, inst.currency, a.day, a.fxRate);
    costBase = toBaseExact(p, amount, a.currency, a.day, a.fxRate);
  } else {
    const quotes = p.market.prices.get(inst.symbol);
    const k = quotes ? indexAtOrBefore(quotes.days, a.day) : -1;
    if (quotes && k >= 0) {
      cost = quantity.mul(exactAt(quotes, k));
      costBase = toBaseExact(p, cost, inst.currency, a.day, null);
    } else {
      diagnose(out, a, 'warning', 'MISSING_PRICE', 'no unitPrice and no market price for the cost basis of a transfer in: cost taken as zero');
    }
  }
  addLots(pos.book, [{ acquired: a.day, quantity, cost, costBase, activityId: a.id }]);
  pushFlow(out.flows, a.day, OUTSIDE, pos.history.segment, 0, quantity.toNumber());
  charge(p, out, pos, a, ZERO, ZERO);
}
