import { EXPORT_CSV_COLUMNS, IMPORT_FIELDS, type ImportField } from '@meridian/contracts';
import { AppError } from '@meridian/platform';
import type { CsvRecord } from '../csv.js';
import { header, headerKey, rowReader, typeFromLabel, type Header } from '../rows.js';
import type { Candidate, CsvOptions } from '../types.js';
import { abs, majorCurrency } from '../values.js';
import type { CsvPreset } from './preset.js';

/** Column names tried for each field when no mapping names one (first match wins). */
const FIELD_NAMES: Record<ImportField, string[]> = {
  date: ['date', 'trade date', 'transaction date', 'datum', 'run date'],
  type: ['type', 'action', 'activity', 'transaction type', 'side', 'buy/sell'],
  symbol: ['symbol', 'ticker', 'isin', 'instrument', 'security'],
  quantity: ['quantity', 'qty', 'shares', 'units'],
  unitPrice: ['unitPrice', 'unit price', 'price', 'price per share', 'share price'],
  amount: ['amount', 'total', 'net amount', 'value'],
  fee: ['fee', 'fees', 'commission', 'fees & comm'],
  tax: ['tax', 'taxes', 'withholding tax'],
  currency: ['currency', 'ccy'],
  account: ['accountId', 'account id', 'account', 'account name', 'portfolio'],
  ratio: ['ratio', 'split ratio'],
  notes: ['notes', 'note', 'comment', 'memo', 'description'],
  transferId: ['transferId', 'transfer id'],
};

function columns(head: Header, options: CsvOptions): Map<ImportField, number> {
  const out = new Map<ImportField, number>();
  for (const field of IMPORT_FIELDS) {
    const ref = options.mapping?.[field];
    if (ref !== undefined) {
      const i = head.resolve(ref);
      if (i < 0 || i >= head.names.length) {
        throw new AppError('unprocessable', `mapping.${field}: the file has no column "${ref}" (its columns: ${head.names.join(', ')})`, {
          details: { reason: 'unknown_column', field, headers: head.names },
        });
      }
      out.set(field, i);
      continue;
    }
    const i = head.index(...FIELD_NAMES[field]);
    if (i >= 0) out.set(field, i);
  }
  return out;
}

/** Reads any CSV whose columns are named (or mapped) to the activity fields, one activity a line. */
function readGeneric(records: readonly CsvRecord[], options: CsvOptions): Candidate[] {
  const [first, ...rest] = records;
  if (!first) return [];
  const head = header(first.cells);
  const cols = columns(head, options);
  const missing = (['date', 'type'] as const).filter((f) => !cols.has(f));
  if (missing.length > 0) {
    throw new AppError(
      'unprocessable',
      `cannot tell which column holds the ${missing.join(' and ')}: pass a mapping (e.g. {"mapping": {"date": "Trade Date", "type": "Action"}}) or a preset`,
      { details: { reason: 'unknown_format', headers: head.names } },
    );
  }
  // An export names the account twice: by id (tried first) and by name (when the ids are another instance's).
  const nameCol = options.mapping?.account === undefined && headerKey(head.names[cols.get('account') ?? -1] ?? '') === 'accountid' ? head.index('account', 'account name') : -1;
  return rest.map((record) => {
    const r = rowReader(record, head, options);
    const c = r.candidate;
    const at = (f: ImportField) => r.cell(cols.get(f) ?? -1);
    const label = at('type');
    c.type = label === '' ? null : typeFromLabel(label, options.typeMap);
    if (label === '') r.error('type', 'type is empty');
    else if (!c.type) r.error('type', `unknown type "${label}": map it with typeMap (e.g. {"typeMap": {"${label}": "BUY"}})`);
    c.date = r.date('date', at('date'));
    if (c.date === null && !c.errors.some((e) => e.field === 'date')) r.error('date', 'date is empty');
    c.symbol = at('symbol') || null;
    c.quantity = r.number('quantity', at('quantity'));
    c.unitPrice = r.number('unitPrice', at('unitPrice'));
    c.amount = r.number('amount', at('amount'));
    c.fee = r.number('fee', at('fee'));
    c.tax = r.number('tax', at('tax'));
    if (options.absoluteValues) {
      c.quantity = abs(c.quantity);
      c.amount = abs(c.amount);
      c.fee = abs(c.fee);
      c.tax = abs(c.tax);
    }
    const currency = at('currency');
    if (currency) {
      const major = majorCurrency(currency, c.unitPrice);
      c.currency = major.currency;
      c.unitPrice = major.price;
    }
    c.ratio = at('ratio') || null;
    c.notes = at('notes') || null;
    c.account = at('account') || null;
    c.accountFallback = nameCol >= 0 ? r.cell(nameCol) || null : null;
    c.transferRef = at('transferId') || null;
    // A total next to quantity and price says nothing new for a trade (and would be refused).
    if ((c.type === 'BUY' || c.type === 'SELL') && c.quantity !== null && c.unitPrice !== null) c.amount = null;
    return c;
  });
}

export const genericPreset: CsvPreset = {
  id: 'generic',
  detect: () => true,
  read: readGeneric,
};

/** Meridian's own CSV export (GET /export?format=csv). */
export const meridianPreset: CsvPreset = {
  id: 'meridian',
  detect(records) {
    const first = records[0];
    if (!first) return false;
    const keys = new Set(first.cells.map(headerKey));
    return EXPORT_CSV_COLUMNS.slice(0, 11).every((c) => keys.has(headerKey(c)));
  },
  read: readGeneric,
};
