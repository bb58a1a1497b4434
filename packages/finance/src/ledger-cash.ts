import type { NormalizedActivity } from './activities.js';
import { segmentIndex } from './context.js';
import { account, diagnose, emptyLedger, flow, fxFloat, post } from './ledger-common.js';
import { OUTSIDE, type LedgerOutput, type Portfolio } from './state.js';

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
