import type { CsvRecord } from '../csv.js';
import { header, headerKey, rowReader, type Header, type RowReader } from '../rows.js';
import type { Candidate, CsvOptions } from '../types.js';
import { abs, isNegative, majorCurrency, negate } from '../values.js';
import type { CsvPreset } from './preset.js';

/**
 * Interactive Brokers. Two exports:
 *
 * - Flex Query CSV (Trades and/or Cash Transactions sections), with or without the
 *   `HEADER`/`DATA` line descriptors: `ClientAccountID, CurrencyPrimary, AssetClass, Symbol,
 *   Description, ISIN, TradeDate, Quantity, TradePrice, IBCommission, IBCommissionCurrency,
 *   Buy/Sell` for trades; `Type, Date/Time|SettleDate, Amount` for dividends, withholding tax,
 *   interest, fees, deposits and withdrawals.
 * - The Activity Statement CSV: sections such as `Trades,Header,DataDiscriminator,Asset
 *   Category,Currency,Symbol,Date/Time,Quantity,T. Price,…,Comm/Fee,…` and `Dividends`,
 *   `Withholding Tax`, `Deposits & Withdrawals`, `Interest`, `Fees`.
 */

const FLEX_COLUMNS = new Set(
  [
    'ClientAccountID',
    'AccountAlias',
    'CurrencyPrimary',
    'AssetClass',
    'Symbol',
    'Description',
    'ISIN',
    'TradeDate',
    'SettleDate',
    'Date/Time',
    'ReportDate',
    'Quantity',
    'TradePrice',
    'TradeMoney',
    'Proceeds',
    'IBCommission',
    'IBCommissionCurrency',
    'NetCash',
    'Buy/Sell',
    'Type',
    'Amount',
    'TransactionID',
    'TradeID',
    'Taxes',
    'Multiplier',
    'FXRateToBase',
  ].map(headerKey),
);

function isFlexHeader(cells: readonly string[]): boolean {
  const hits = cells.filter((c) => FLEX_COLUMNS.has(headerKey(c))).length;
  return hits >= 3 && (cells.some((c) => headerKey(c) === 'buy/sell') || cells.some((c) => headerKey(c) === 'ibcommission') || cells.some((c) => headerKey(c) === 'currencyprimary'));
}

/** "VT(US9220427424) CASH DIVIDEND USD 0.6504 PER SHARE" → "VT". */
export function symbolFromDescription(description: string): string | null {
  const m = /^\s*([A-Za-z0-9.\-/ ]+?)\s*\(/.exec(description.slice(0, 100));
  return m?.[1] ? m[1].trim() : null;
}

/** A cash line (dividend, tax, interest, fee, deposit) from its IBKR type and signed amount. */
function cashLine(r: RowReader, kind: string, amount: string | null, description: string, symbol: string | null): void {
  const c = r.candidate;
  const k = kind.toLowerCase();
  c.notes = description || null;
  if (amount === null) {
    if (!c.errors.some((e) => e.field === 'amount')) r.error('amount', 'amount is empty');
    return;
  }
  if (k.includes('withholding') || k.includes('871(m)')) {
    // Withheld is negative; a positive line gives tax back.
    c.type = 'TAX';
    c.amount = negate(amount);
    c.symbol = symbol;
  } else if (k.includes('dividend')) {
    c.type = 'DIVIDEND';
    c.amount = amount;
    c.symbol = symbol;
    if (isNegative(amount)) {
      c.type = 'FEE';
      c.amount = abs(amount);
      c.notes = `dividend reversal: ${description}`;
    }
  } else if (k.includes('interest')) {
    c.type = isNegative(amount) ? 'FEE' : 'INTEREST';
    c.amount = abs(amount);
  } else if (k.includes('deposit') || k.includes('withdrawal')) {
    c.type = isNegative(amount) ? 'WITHDRAWAL' : 'DEPOSIT';
    c.amount = abs(amount);
  } else if (k.includes('fee') || k.includes('commission')) {
    // Charges are negative; a positive line is a refund (a negative fee).
    c.type = 'FEE';
    c.amount = negate(amount);
  } else {
    c.skip = `"${kind}" lines are not imported`;
  }
}

/** A trade line; `quantity` is signed (negative sells). */
function tradeLine(
  r: RowReader,
  fields: { side: string; quantity: string | null; price: string | null; commission: string | null; commissionCurrency: string; currency: string; symbol: string | null; assetClass: string; taxes?: string | null },
): void {
  const c = r.candidate;
  const asset = fields.assetClass.toUpperCase();
  if (asset === 'CASH' || asset === 'FOREX' || (fields.symbol !== null && /^[A-Z]{3}\.[A-Z]{3}$/.test(fields.symbol))) {
    c.skip = 'currency conversion (forex trade): not an activity';
    return;
  }
  if (/OPT|FOP|FUT|WAR|OPTIONS|FUTURES/.test(asset)) {
    c.skip = `${fields.assetClass} trades are not supported yet`;
    return;
  }
  if (/\(ca\.?\)/i.test(fields.side)) {
    c.skip = 'a cancelled trade';
    return;
  }
  const side = fields.side.toUpperCase();
  c.type = side.startsWith('BUY') ? 'BUY' : side.startsWith('SELL') ? 'SELL' : fields.quantity !== null ? (isNegative(fields.quantity) ? 'SELL' : 'BUY') : null;
  if (!c.type) r.error('type', `unknown side "${fields.side}"`);
  c.symbol = fields.symbol;
  c.quantity = abs(fields.quantity);
  const major = majorCurrency(fields.currency, fields.price);
  c.currency = major.currency || null;
  c.unitPrice = major.price;
  c.fee = abs(fields.commission);
  if (fields.taxes) c.tax = abs(fields.taxes);
  if (fields.commission !== null && fields.commissionCurrency && fields.currency && majorCurrency(fields.commissionCurrency, null).currency !== c.currency) {
    r.error('fee', `the commission is in ${fields.commissionCurrency} but the trade in ${fields.currency}: record it as a separate FEE`);
  }
}

function readFlex(records: readonly CsvRecord[], options: CsvOptions): Candidate[] {
  const out: Candidate[] = [];
  let head: Header | null = null;
  for (const record of records) {
    let cells = record.cells;
    const marker = cells[0]?.trim().toUpperCase();
    if (marker && ['BOF', 'EOF', 'BOA', 'EOA', 'BOS', 'EOS', 'TRAILER'].includes(marker)) continue;
    if (marker === 'HEADER' || marker === 'DATA') cells = cells.slice(2);
    if (isFlexHeader(cells)) {
      head = header(cells);
      continue;
    }
    if (!head) continue;
    const r = rowReader({ line: record.line, cells }, head, { ...options, decimalSeparator: '.' });
    const c = r.candidate;
    c.account = r.get('ClientAccountID') || null;
    const description = r.get('Description');
    const symbol = r.get('Symbol') || symbolFromDescription(description) || r.get('ISIN') || null;
    const currency = r.get('CurrencyPrimary', 'Currency');
    c.date = r.date('date', r.get('TradeDate', 'Date/Time', 'Date', 'SettleDate', 'ReportDate'));
    if (r.get('Buy/Sell') !== '') {
      tradeLine(r, {
        side: r.get('Buy/Sell'),
        quantity: r.number('quantity', r.get('Quantity')),
        price: r.number('unitPrice', r.get('TradePrice')),
        commission: r.number('fee', r.get('IBCommission')),
        commissionCurrency: r.get('IBCommissionCurrency'),
        currency,
        symbol,
        assetClass: r.get('AssetClass'),
        taxes: r.number('tax', r.get('Taxes')),
      });
    } else if (r.get('Type') !== '') {
      c.currency = currency ? majorCurrency(currency, null).currency : null;
      cashLine(r, r.get('Type'), r.number('amount', r.get('Amount')), description, symbol);
    } else {
      c.skip = 'neither a trade nor a cash transaction';
    }
    out.push(c);
  }
  return out;
}

const STATEMENT_SECTIONS = new Set(['Trades', 'Dividends', 'Withholding Tax', 'Deposits & Withdrawals', 'Interest', 'Fees', 'Payment In Lieu Of Dividends']);

function readStatement(records: readonly CsvRecord[], options: CsvOptions): Candidate[] {
  const out: Candidate[] = [];
  const heads = new Map<string, Header>();
  for (const record of records) {
    const [section = '', kind = ''] = record.cells.map((c) => c.trim());
    if (!STATEMENT_SECTIONS.has(section)) continue;
    const cells = record.cells.slice(2);
    if (kind === 'Header') {
      heads.set(section, header(cells));
      continue;
    }
    const head = heads.get(section);
    if (kind !== 'Data' || !head) continue;
    const r = rowReader({ line: record.line, cells }, head, { ...options, decimalSeparator: '.' });
    const c = r.candidate;
    const currency = r.get('Currency');
    // Totals ("Total", "Total in USD", "Total Dividends in USD") close each section.
    if (/^total/i.test(currency) || /^(subtotal|total)$/i.test(r.get('DataDiscriminator'))) continue;
    if (section === 'Trades') {
      const discriminator = r.get('DataDiscriminator');
      if (discriminator && !/^(order|trade)$/i.test(discriminator)) continue;
      c.date = r.date('date', r.get('Date/Time', 'Date'));
      const quantity = r.number('quantity', r.get('Quantity'));
      tradeLine(r, {
        side: '',
        quantity,
        price: r.number('unitPrice', r.get('T. Price', 'TradePrice', 'Price')),
        commission: r.number('fee', r.get('Comm/Fee', 'Comm in USD', 'Commission')),
        commissionCurrency: '',
        currency,
        symbol: r.get('Symbol') || null,
        assetClass: r.get('Asset Category'),
      });
    } else {
      c.date = r.date('date', r.get('Date', 'Settle Date', 'Date/Time'));
      c.currency = currency ? majorCurrency(currency, null).currency : null;
      const description = r.get('Description');
      cashLine(r, section, r.number('amount', r.get('Amount')), description, symbolFromDescription(description));
    }
    out.push(c);
  }
  return out;
}

export const ibkrFlexPreset: CsvPreset = {
  id: 'ibkr-flex',
  detect: (records) =>
    records.slice(0, 5).some((r) => {
      const marker = r.cells[0]?.trim().toUpperCase();
      return isFlexHeader(marker === 'HEADER' ? r.cells.slice(2) : r.cells);
    }),
  read: readFlex,
};

export const ibkrActivityPreset: CsvPreset = {
  id: 'ibkr-activity',
  detect: (records) =>
    records[0]?.cells[0]?.trim() === 'Statement' ||
    records.slice(0, 50).some((r) => r.cells[1]?.trim() === 'Header' && STATEMENT_SECTIONS.has(r.cells[0]?.trim() ?? '')),
  read: readStatement,
};
