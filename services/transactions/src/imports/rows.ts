import type { ActivityType, DateFormat, ImportField } from '@meridian/contracts';
import type { CsvRecord } from './csv.js';
import type { Candidate } from './types.js';
import { emptyCandidate } from './types.js';
import { parseDay, parseNumber, type NumberStyle } from './values.js';

/** Header names compared loosely: case, spaces, punctuation and "($)" suffixes do not matter. */
export function headerKey(h: string): string {
  return h
    .toLowerCase()
    .replace(/\(\s*[$€£]\s*\)/g, '')
    .replace(/[^a-z0-9&/]+/g, '');
}

/** Finds columns by name in one header row. */
export interface Header {
  readonly names: readonly string[];
  /** Index of the first column whose name matches one of `names` (loosely), or -1. */
  index(...names: string[]): number;
  has(...names: string[]): boolean;
  /** `#3` (3rd column) or a header name. */
  resolve(ref: string): number;
}

export function header(cells: readonly string[]): Header {
  const keys = cells.map(headerKey);
  const index = (...names: string[]) => {
    for (const n of names) {
      const i = keys.indexOf(headerKey(n));
      if (i >= 0) return i;
    }
    return -1;
  };
  return {
    names: cells,
    index,
    has: (...names) => names.every((n) => index(n) >= 0),
    resolve(ref) {
      const m = /^#(\d+)$/.exec(ref.trim());
      if (m) return Number(m[1]) - 1;
      const exact = cells.findIndex((c) => c.trim() === ref.trim());
      return exact >= 0 ? exact : index(ref);
    },
  };
}

/**
 * Reading one record into a candidate: cell access by column and parsing that records errors
 * under the field they belong to.
 */
export interface RowReader {
  readonly candidate: Candidate;
  cell(index: number): string;
  /** The cell of the first matching column ('' if none). */
  get(...names: string[]): string;
  number(field: ImportField, raw: string | undefined): string | null;
  date(field: ImportField, raw: string | undefined): string | null;
  error(field: ImportField | 'row', message: string): void;
}

export function rowReader(
  record: CsvRecord,
  head: Header,
  style: NumberStyle & { dateFormat?: DateFormat | undefined },
): RowReader {
  const candidate = emptyCandidate(record.line);
  const cell = (i: number) => (i >= 0 ? (record.cells[i] ?? '').trim() : '');
  const error = (field: string, message: string) => candidate.errors.push({ row: record.line, field, message });
  return {
    candidate,
    cell,
    get: (...names) => cell(head.index(...names)),
    number(field, raw) {
      const r = parseNumber(raw, style);
      if (!r.ok) {
        error(field, r.error);
        return null;
      }
      return r.value;
    },
    date(field, raw) {
      const r = parseDay(raw, style.dateFormat);
      if (!r.ok) {
        error(field, r.error);
        return null;
      }
      return r.value;
    },
    error,
  };
}

const SYNONYMS: Record<ActivityType, string[]> = {
  BUY: ['buy', 'bought', 'purchase', 'market buy', 'limit buy', 'kauf', 'achat', 'koop', 'compra', 'acquisto', 'reinvest shares'],
  SELL: ['sell', 'sold', 'sale', 'market sell', 'limit sell', 'verkauf', 'vente', 'verkoop', 'venta', 'vendita'],
  DIVIDEND: ['dividend', 'dividends', 'div', 'dividende', 'cash dividend', 'distribution'],
  INTEREST: ['interest', 'zinsen', 'interets', 'rente', 'credit interest'],
  FEE: ['fee', 'fees', 'commission', 'gebuhr', 'gebühr', 'frais', 'kosten'],
  TAX: ['tax', 'taxes', 'withholding tax', 'steuer', 'impot', 'impôt', 'belasting'],
  DEPOSIT: ['deposit', 'einzahlung', 'cash in', 'contribution', 'storting'],
  WITHDRAWAL: ['withdrawal', 'withdraw', 'auszahlung', 'cash out', 'opname'],
  TRANSFER_IN: ['transfer in', 'transfer_in', 'transferin', 'incoming transfer'],
  TRANSFER_OUT: ['transfer out', 'transfer_out', 'transferout', 'outgoing transfer'],
  SPLIT: ['split', 'stock split'],
  VALUATION: ['valuation', 'manual price', 'price update'],
};

const typeLookup = new Map<string, ActivityType>();
for (const [type, words] of Object.entries(SYNONYMS) as [ActivityType, string[]][]) {
  typeLookup.set(type.toLowerCase(), type);
  for (const w of words) typeLookup.set(normalizeLabel(w), type);
}

function normalizeLabel(label: string): string {
  return label.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

/** An activity type from a file's label, through the user's typeMap first, then synonyms. */
export function typeFromLabel(label: string, typeMap?: Record<string, ActivityType>): ActivityType | null {
  if (typeMap) {
    const exact = typeMap[label] ?? typeMap[label.trim()];
    if (exact) return exact;
    const loose = Object.entries(typeMap).find(([k]) => normalizeLabel(k) === normalizeLabel(label));
    if (loose) return loose[1];
  }
  return typeLookup.get(normalizeLabel(label)) ?? typeLookup.get(normalizeLabel(label).replace(/ /g, '_')) ?? null;
}

/** The first record (of the first `limit`) whose cells satisfy `test`: the header row. */
export function findHeader(records: readonly CsvRecord[], test: (h: Header) => boolean, limit = 30): number {
  for (let i = 0; i < Math.min(records.length, limit); i++) {
    if (test(header(records[i]!.cells))) return i;
  }
  return -1;
}
