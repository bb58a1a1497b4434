import type { ActivityType } from '@meridian/contracts';
import type { CsvRecord } from '../csv.js';
import { findHeader, header, rowReader, type Header } from '../rows.js';
import type { Candidate, CsvOptions } from '../types.js';
import { abs, isNegative, negate, sum } from '../values.js';
import type { CsvPreset } from './preset.js';

/**
 * Fidelity "Accounts History" download: blank lines, then `Run Date,Action,Symbol,
 * Description,Type,Quantity,Price ($),Commission ($),Fees ($),Accrued Interest ($),Amount
 * ($),Settlement Date` (newer files add `Account` and say `Security Description`), then the
 * disclaimer paragraphs, which are not rows. Actions are sentences: "YOU BOUGHT APPLE INC
 * (AAPL) (Cash)", "DIVIDEND RECEIVED …", "REINVESTMENT …", "Electronic Funds Transfer
 * Received (Cash)". Quantities are negative for sells; amounts are USD.
 */

type Kind = ActivityType | 'CASH' | 'SKIP';

const RULES: { test: RegExp; kind: Kind }[] = [
  { test: /^you bought|^reinvestment|^bought/i, kind: 'BUY' },
  { test: /^you sold|^sold/i, kind: 'SELL' },
  { test: /dividend received|cap gain|^dividend/i, kind: 'DIVIDEND' },
  { test: /margin interest/i, kind: 'FEE' },
  { test: /interest/i, kind: 'INTEREST' },
  { test: /tax/i, kind: 'TAX' },
  { test: /fee charged|^fee/i, kind: 'FEE' },
  { test: /electronic funds transfer|contribution|direct deposit|direct debit|transferred (from|to)|wire|check received|deposit|withdrawal/i, kind: 'CASH' },
];

function isFidelityHeader(h: Header): boolean {
  return h.has('Run Date', 'Action') && h.index('Amount ($)', 'Amount') >= 0;
}

function read(records: readonly CsvRecord[], options: CsvOptions): Candidate[] {
  const at = findHeader(records, isFidelityHeader);
  if (at < 0) return [];
  const head = header(records[at]!.cells);
  const out: Candidate[] = [];
  for (const record of records.slice(at + 1)) {
    const r = rowReader(record, head, { ...options, dateFormat: options.dateFormat ?? 'MM/DD/YYYY', decimalSeparator: '.' });
    const c = r.candidate;
    const rawDate = r.get('Run Date');
    // The disclaimer after the data is prose, not rows.
    if (!/^\s*\d{1,2}\/\d{1,2}\/\d{4}/.test(rawDate)) continue;
    const action = r.get('Action');
    c.date = r.date('date', rawDate);
    c.account = r.get('Account') || null;
    c.symbol = r.get('Symbol').trim() || null;
    c.notes = [action, r.get('Description', 'Security Description')].filter(Boolean).join(': ') || null;
    c.currency = 'USD';
    const quantity = r.number('quantity', r.get('Quantity'));
    const price = r.number('unitPrice', r.get('Price ($)', 'Price'));
    const fee = sum(abs(r.number('fee', r.get('Commission ($)', 'Commission'))), abs(r.number('fee', r.get('Fees ($)', 'Fees'))));
    const amount = r.number('amount', r.get('Amount ($)', 'Amount'));
    const kind = RULES.find((x) => x.test.test(action))?.kind;
    switch (kind) {
      case 'BUY':
      case 'SELL':
        c.type = kind;
        c.quantity = abs(quantity);
        c.unitPrice = price;
        c.fee = fee;
        break;
      case 'DIVIDEND':
      case 'INTEREST':
        c.type = kind;
        c.amount = amount;
        break;
      case 'TAX':
      case 'FEE':
        c.type = kind;
        c.amount = negate(amount);
        break;
      case 'CASH':
        c.type = amount !== null && isNegative(amount) ? 'WITHDRAWAL' : 'DEPOSIT';
        c.amount = abs(amount);
        c.symbol = null;
        break;
      case 'SPLIT':
      case 'DEPOSIT':
      case 'WITHDRAWAL':
      case 'TRANSFER_IN':
      case 'TRANSFER_OUT':
      case 'VALUATION':
      case 'SKIP':
      case undefined:
        c.skip = `unrecognised action "${action}": not imported`;
        break;
    }
    out.push(c);
  }
  return out;
}

export const fidelityPreset: CsvPreset = {
  id: 'fidelity',
  detect: (records) => findHeader(records, isFidelityHeader, 10) >= 0,
  read,
};
