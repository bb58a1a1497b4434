import type { ActivityType } from '@meridian/contracts';
import type { CsvRecord } from '../csv.js';
import { findHeader, header, rowReader, type Header } from '../rows.js';
import type { Candidate, CsvOptions } from '../types.js';
import { abs, isNegative, negate } from '../values.js';
import type { CsvPreset } from './preset.js';

/**
 * Charles Schwab "Transactions" export: `"Date","Action","Symbol","Description","Quantity",
 * "Price","Fees & Comm","Amount"`, dates `MM/DD/YYYY` (sometimes "07/15/2024 as of
 * 07/12/2024"), money as `$1,234.56` / `-$694.48`, an optional title line above the header
 * and a "Transactions Total" line at the end. Amounts are USD.
 */

type Rule = { test: RegExp; kind: Extract<ActivityType, 'BUY' | 'SELL' | 'DIVIDEND' | 'INTEREST' | 'TAX' | 'FEE'> | 'CASH' | 'SHARES' | 'SKIP'; note?: string };

/** First match wins: order matters ("Reinvest Shares" before "Reinvest Dividend"). */
const RULES: Rule[] = [
  { test: /^(buy|reinvest shares|buy to cover)$/i, kind: 'BUY' },
  { test: /^(sell|sell short)$/i, kind: 'SELL' },
  { test: /(buy|sell) to (open|close)|expired|assigned|exercise/i, kind: 'SKIP', note: 'options are not supported yet' },
  { test: /div|cap gain|distribution/i, kind: 'DIVIDEND' },
  { test: /margin interest/i, kind: 'FEE' },
  { test: /interest/i, kind: 'INTEREST' },
  { test: /tax/i, kind: 'TAX' },
  { test: /fee/i, kind: 'FEE' },
  { test: /moneylink|wire|funds received|journal$|internal transfer|deposit|withdraw/i, kind: 'CASH' },
  { test: /journaled shares|security transfer/i, kind: 'SHARES' },
  { test: /split|merger|name change|conversion|spin-off|stock div dist/i, kind: 'SKIP', note: 'a corporate action: record it yourself (a SPLIT with its ratio, or a transfer)' },
];

function isSchwabHeader(h: Header): boolean {
  return h.has('Date', 'Action', 'Symbol', 'Amount') && h.index('Fees & Comm', 'Fees & Commissions') >= 0;
}

function read(records: readonly CsvRecord[], options: CsvOptions): Candidate[] {
  const at = findHeader(records, isSchwabHeader);
  if (at < 0) return [];
  const head = header(records[at]!.cells);
  const out: Candidate[] = [];
  for (const record of records.slice(at + 1)) {
    const r = rowReader(record, head, { ...options, dateFormat: options.dateFormat ?? 'MM/DD/YYYY', decimalSeparator: '.' });
    const c = r.candidate;
    const date = r.get('Date');
    if (/^transactions total/i.test(date)) continue;
    const action = r.get('Action');
    c.date = r.date('date', date);
    c.symbol = r.get('Symbol') || null;
    c.notes = [action, r.get('Description')].filter(Boolean).join(': ') || null;
    c.currency = 'USD';
    const quantity = r.number('quantity', r.get('Quantity'));
    const price = r.number('unitPrice', r.get('Price'));
    const fee = abs(r.number('fee', r.get('Fees & Comm', 'Fees & Commissions')));
    const amount = r.number('amount', r.get('Amount'));
    const rule = RULES.find((x) => x.test.test(action));
    switch (rule?.kind) {
      case 'BUY':
      case 'SELL':
        c.type = rule.kind;
        c.quantity = abs(quantity);
        c.unitPrice = price;
        c.fee = fee;
        break;
      case 'DIVIDEND':
      case 'INTEREST':
        c.type = rule.kind;
        c.amount = amount;
        if (amount !== null && isNegative(amount)) {
          c.type = 'FEE';
          c.amount = abs(amount);
        }
        break;
      case 'TAX':
      case 'FEE':
        // Paid is negative; a positive line is a refund.
        c.type = rule.kind;
        c.amount = negate(amount);
        break;
      case 'CASH':
        c.type = amount !== null && isNegative(amount) ? 'WITHDRAWAL' : 'DEPOSIT';
        c.amount = abs(amount);
        c.symbol = null;
        break;
      case 'SHARES':
        c.type = quantity !== null && isNegative(quantity) ? 'TRANSFER_OUT' : 'TRANSFER_IN';
        c.quantity = abs(quantity);
        if (c.type === 'TRANSFER_IN') c.unitPrice = price;
        break;
      case 'SKIP':
        c.skip = rule.note ?? `"${action}" lines are not imported`;
        break;
      case undefined:
        c.skip = `unrecognised action "${action}": not imported`;
        break;
    }
    out.push(c);
  }
  return out;
}

export const schwabPreset: CsvPreset = {
  id: 'schwab',
  detect: (records) => findHeader(records, isSchwabHeader, 3) >= 0,
  read,
};
