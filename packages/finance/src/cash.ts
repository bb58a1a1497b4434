import type { NormalizedActivity } from './activities.js';
import { segmentIndex } from './context.js';
import { ZERO, type Decimal } from './decimal.js';
import { formatDate } from './dates.js';
import { account, diagnose, emptyLedger, flow, fxFloat, post } from './ledger-common.js';
import { OUTSIDE, type CashHistory, type LedgerOutput, type Portfolio } from './state.js';
import type { Diagnostic } from './types.js';

/**
 * Replays the activities of one account that are about cash only: deposits, withdrawals,
 * interest, account fees and taxes, cash transfers.
 *
 * In an account that does not track cash, interest, fees and taxes still count as
 * performance: they pass through a zero-balance cash segment as money leaving (interest) or
 * put in (fees) on that day; deposits and withdrawals there mean nothing and are ignored.
 */
export function runCashLedger(p: Portfolio, key: string, accountId: string, acts: readonly NormalizedActivity[]): LedgerOutput {
  const out = emptyLedger(key, acts.length);
  const acc = account(p, accountId);
  for (const a of acts) {
    const seg = segmentIndex(p, 'cash', acc.id, a.currency);
    out.segments.add(seg);
    const fx = fxFloat(p, a);
    const partner = p.pairs.get(a.id);
    let type = a.type;
    if (type === 'TRANSFER_IN' && !partner) type = 'DEPOSIT';
    if (type === 'TRANSFER_OUT' && !partner) type = 'WITHDRAWAL';
    if (a.transferId && !partner && (a.type === 'TRANSFER_IN' || a.type === 'TRANSFER_OUT')) {
      diagnose(out, a, 'warning', 'UNPAIRED_TRANSFER', `transfer ${a.transferId} has no matching leg that day: treated as an external ${type.toLowerCase()}`);
    }
    switch (type) {
      case 'DEPOSIT':
      case 'WITHDRAWAL': {
        if (!acc.tracksCash) {
          diagnose(out, a, 'info', 'IGNORED_ACTIVITY', `account ${acc.id} does not track cash: ${a.type} ignored`);
          break;
        }
        const amount = a.amount!;
        const charges = a.fee.add(a.tax);
        if (type === 'DEPOSIT') {
          post(out, seg, a.day, amount.sub(charges));
          flow(out, a.day, OUTSIDE, seg, amount.toNumber() * fx);
        } else {
          post(out, seg, a.day, amount.add(charges).neg());
          flow(out, a.day, seg, OUTSIDE, amount.toNumber() * fx);
        }
        break;
      }
      case 'DIVIDEND':
      case 'INTEREST': {
        const gross = a.amount!;
        const net = gross.sub(a.fee).sub(a.tax);
        if (acc.tracksCash) post(out, seg, a.day, net);
        else flow(out, a.day, seg, OUTSIDE, net.toNumber() * fx);
        break;
      }
      case 'FEE':
      case 'TAX': {
        const fee = a.type === 'FEE' ? a.amount!.add(a.fee) : a.fee;
        const tax = a.type === 'TAX' ? a.amount!.add(a.tax) : a.tax;
        const total = fee.add(tax);
        if (acc.tracksCash) post(out, seg, a.day, total.neg());
        else flow(out, a.day, OUTSIDE, seg, total.toNumber() * fx);
        break;
      }
      case 'TRANSFER_OUT': {
        // Paired: money moves to the partner's cash; the partner's ledger books its side.
        const to = segmentIndex(p, 'cash', partner!.accountId, partner!.currency);
        out.segments.add(to);
        post(out, seg, a.day, a.amount!.add(a.fee).add(a.tax).neg());
        flow(out, a.day, seg, to, a.amount!.toNumber() * fx);
        break;
      }
      case 'TRANSFER_IN':
        // The partner's ledger books the flow; what arrives may differ in value (a conversion).
        post(out, seg, a.day, a.amount!.sub(a.fee).sub(a.tax));
        break;
      case 'BUY':
      case 'SELL':
      case 'SPLIT':
      case 'VALUATION':
        throw new Error(`${a.type} ${a.id} routed to a cash ledger`);
    }
  }
  return out;
}

/**
 * Rebuilds the exact end-of-day balances of the given cash segments from every ledger's
 * postings, and reports negative balances of cash-tracking accounts.
 */
export function rebuildCashHistories(p: Portfolio, segments: ReadonlySet<number>): void {
  if (segments.size === 0) return;
  const deltas = new Map<number, Map<number, Decimal>>();
  for (const s of segments) deltas.set(s, new Map());
  for (const key of p.ledgerOrder) {
    const ledger = p.ledgers.get(key)!;
    for (const posting of ledger.postings) {
      const byDay = deltas.get(posting.segment);
      if (!byDay) continue;
      const prev = byDay.get(posting.day);
      byDay.set(posting.day, prev ? prev.add(posting.delta) : posting.delta);
    }
  }
  for (const [segment, byDay] of deltas) {
    const days = [...byDay.keys()].sort((a, b) => a - b);
    const balance: Decimal[] = [];
    let running = ZERO;
    for (const d of days) {
      running = running.add(byDay.get(d)!);
      balance.push(running);
    }
    const history: CashHistory = { days, balance };
    p.cash.set(segment, history);
    p.cashDiagnostics.set(segment, negativeCash(p, segment, history));
  }
}

function negativeCash(p: Portfolio, segment: number, history: CashHistory): Diagnostic[] {
  const seg = p.segments[segment]!;
  if (!p.accounts.get(seg.accountId)?.tracksCash) return [];
  const out: Diagnostic[] = [];
  let start = -1;
  let lowest = ZERO;
  let lowestDay = 0;
  const report = (end: number | null): void => {
    out.push({
      severity: 'warning',
      code: 'NEGATIVE_CASH',
      message:
        `${seg.currency} cash of account ${seg.accountId} is negative from ${formatDate(history.days[start]!)}` +
        `${end === null ? '' : ` until ${formatDate(end)}`} (lowest ${lowest.toString()} on ${formatDate(lowestDay)}): ` +
        'a deposit, an income or a sale is probably missing; no deposit was assumed',
      date: formatDate(history.days[start]!),
      accountId: seg.accountId,
      currency: seg.currency,
    });
  };
  for (let k = 0; k < history.days.length; k++) {
    const b = history.balance[k]!;
    if (b.isNegative()) {
      if (start < 0) {
        start = k;
        lowest = b;
        lowestDay = history.days[k]!;
      } else if (b.lt(lowest)) {
        lowest = b;
        lowestDay = history.days[k]!;
      }
    } else if (start >= 0) {
      report(history.days[k]!);
      start = -1;
    }
  }
  if (start >= 0) report(null);
  return out;
}
