import { Decimal } from '@meridian/finance';
import type { CsvRecord } from '../csv.js';
import { findHeader, header, rowReader, type Header } from '../rows.js';
import type { Candidate, CsvOptions } from '../types.js';
import { abs, isNegative, majorCurrency, sum } from '../values.js';
import type { CsvPreset } from './preset.js';

/**
 * DEGIRO "Transactions" export (English, Dutch or German headers):
 * `Date,Time,Product,ISIN,Reference exchange,Venue,Quantity,Price,,Local value,,Value,,
 * Exchange rate,AutoFX Fee,Transaction and/or third party fees,,Total,,Order ID`. The unnamed
 * column after Price, Value and the fees holds their currency; quantities are negative for
 * sells; fees are charged in the account's currency and converted to the trade's at the
 * line's exchange rate (local units per account unit). DEGIRO has no tickers: the symbol is
 * the ISIN.
 */

const DATE = ['Date', 'Datum'];
const PRODUCT = ['Product', 'Produkt'];
const QUANTITY = ['Quantity', 'Aantal', 'Anzahl'];
const PRICE = ['Price', 'Koers', 'Kurs'];
const RATE = ['Exchange rate', 'Wisselkoers', 'Wechselkurs'];
const AUTOFX = ['AutoFX Fee', 'AutoFX Kosten', 'AutoFX Gebühr'];
const FEES = [
  'Transaction and/or third party fees',
  'Transaction costs',
  'Transactiekosten en/of kosten van derden',
  'Transactiekosten',
  'Transaktionsgebühren und/oder Gebühren Dritter',
  'Transaktionskosten',
];
const VALUE = ['Value', 'Waarde', 'Wert'];
const ORDER = ['Order ID', 'Order Id', 'Order-ID'];

function isDegiroHeader(h: Header): boolean {
  return h.has('ISIN') && h.index(...PRODUCT) >= 0 && h.index(...QUANTITY) >= 0 && h.index(...PRICE) >= 0 && h.index('Venue', 'Reference exchange', 'Beurs', 'Uitvoeringsplaats', 'Börse', 'Ausführungsort') >= 0;
}

function read(records: readonly CsvRecord[], options: CsvOptions): Candidate[] {
  const at = findHeader(records, isDegiroHeader);
  if (at < 0) return [];
  const head = header(records[at]!.cells);
  const priceCol = head.index(...PRICE);
  const feeCol = head.index(...FEES);
  const valueCol = head.index(...VALUE);
  return records.slice(at + 1).map((record) => {
    const r = rowReader(record, head, { ...options, dateFormat: options.dateFormat ?? 'DD-MM-YYYY' });
    const c = r.candidate;
    c.date = r.date('date', r.get(...DATE));
    const quantity = r.number('quantity', r.get(...QUANTITY));
    const price = r.number('unitPrice', r.cell(priceCol));
    const priceCurrency = r.cell(priceCol + 1);
    const baseCurrency = valueCol >= 0 ? r.cell(valueCol + 1) : '';
    c.type = quantity === null ? null : isNegative(quantity) ? 'SELL' : 'BUY';
    if (quantity === null && !c.errors.some((e) => e.field === 'quantity')) r.error('quantity', 'quantity is empty');
    c.quantity = abs(quantity);
    c.symbol = r.get('ISIN') || null;
    const major = majorCurrency(priceCurrency || baseCurrency, price);
    c.currency = major.currency || null;
    c.unitPrice = major.price;
    const product = r.get(...PRODUCT);
    const order = r.get(...ORDER);
    c.notes = [product, order ? `order ${order}` : ''].filter(Boolean).join(' · ') || null;
    // Fees (negative numbers) in their own currency, the AutoFX fee in the account's.
    const fee = abs(r.number('fee', feeCol >= 0 ? r.cell(feeCol) : ''));
    const feeCurrency = feeCol >= 0 ? r.cell(feeCol + 1) || baseCurrency : baseCurrency;
    const autoFx = abs(r.number('fee', r.get(...AUTOFX)));
    const rate = r.number('fee', r.get(...RATE));
    // Into the trade's currency, then to its major unit (a fee in EUR on a trade quoted in GBX ends in GBP).
    const toTrade = (amount: string | null, currency: string): string | null => {
      if (amount === null || Decimal.from(amount).isZero()) return null;
      if (!currency || majorCurrency(currency, null).currency === c.currency) return amount;
      if (rate === null || !Decimal.from(rate).isPositive()) {
        r.error('fee', `the fee is in ${currency} and the trade in ${priceCurrency || '?'}, but the line has no exchange rate`);
        return null;
      }
      return majorCurrency(priceCurrency, Decimal.from(amount).mul(rate).toString()).price;
    };
    c.fee = sum(toTrade(fee, feeCurrency), toTrade(autoFx, baseCurrency));
    return c;
  });
}

export const degiroPreset: CsvPreset = {
  id: 'degiro',
  detect: (records) => findHeader(records, isDegiroHeader, 3) >= 0,
  read,
};
