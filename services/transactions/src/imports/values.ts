import type { DateFormat } from '@meridian/contracts';
import { isCalendarDate } from '@meridian/contracts';
import { Decimal, DecimalError } from '@meridian/finance';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

export interface NumberStyle {
  /** `.` (1,234.56) or `,` (1.234,56); undefined: a lone comma is a decimal comma. */
  decimalSeparator?: '.' | ',' | undefined;
}

/**
 * Reads a number as brokers write it: `$1,234.56`, `-$694.48`, `(12.50)` (negative),
 * `1.234,56` with a decimal comma, `1'234.5`, `1.5E-7`. Returns a canonical decimal string,
 * or null for an empty cell (also `-` and `--`).
 */
export function parseNumber(raw: string | undefined, style: NumberStyle = {}): Parsed<string | null> {
  if (raw === undefined) return ok(null);
  let s = raw.trim();
  if (s === '' || s === '-' || s === '--' || s.toUpperCase() === 'N/A') return ok(null);
  // Bounded before any pattern runs: a hostile cell must not cost more than a short one.
  if (s.length > 64) return fail(`"${s.slice(0, 20)}…" is not a number`);
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  s = s.replace(/[\s\u00a0\u202f'’]/g, '').replace(/^[A-Z]{3}(?=[-+\d.,$€£¥])/, '').replace(/[$€£¥₹₩]/g, '');
  if (s.endsWith('-')) {
    negative = !negative;
    s = s.slice(0, -1);
  }
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  } else if (s.startsWith('+')) {
    s = s.slice(1);
  }
  if (s.startsWith('$')) s = s.slice(1);
  const sep = style.decimalSeparator ?? (s.includes(',') && !s.includes('.') && !/^\d{1,3}(,\d{3})+$/.test(s) ? ',' : '.');
  s = sep === ',' ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
  if (!/^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return fail(`"${raw.trim()}" is not a number`);
  try {
    const d = Decimal.from(s);
    const text = (negative ? d.neg() : d).toString();
    if (!/^-?\d{1,20}(\.\d{1,18})?$/.test(text)) return fail(`"${raw.trim()}" has too many digits (at most 20 before and 18 after the point)`);
    return ok(text);
  } catch (err) {
    if (err instanceof DecimalError) return fail(`"${raw.trim()}" is not a number`);
    throw err;
  }
}

function day(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function checked(raw: string, value: string): Parsed<string> {
  return isCalendarDate(value) ? ok(value) : fail(`"${raw}" is not a valid date`);
}

/**
 * Reads a day in the given format, or guesses: ISO (`2024-03-01`, with a time or not),
 * `20240301` (IBKR, also `20240301;093000`), `01.03.2024` and `01-03-2024` (day first), and
 * `03/01/2024` only when one part is over 12 (else it is ambiguous: name the format).
 * Trailing text such as Schwab's "as of 02/28/2024" or a time after a comma is ignored.
 */
export function parseDay(raw: string | undefined, format?: DateFormat): Parsed<string | null> {
  if (raw === undefined) return ok(null);
  if (raw.length > 64) return fail(`"${raw.trim().slice(0, 20)}…" is not a date`);
  const s = raw.trim().replace(/\s+as of .*$/i, '');
  if (s === '') return ok(null);
  const head = s.split(/[ ,;T]/)[0] ?? s;
  let m: RegExpExecArray | null;
  switch (format) {
    case 'YYYY-MM-DD':
      m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(head);
      return m ? checked(raw, day(+m[1]!, +m[2]!, +m[3]!)) : fail(`"${raw.trim()}" is not a date in YYYY-MM-DD`);
    case 'YYYYMMDD':
      m = /^(\d{4})(\d{2})(\d{2})$/.exec(head);
      return m ? checked(raw, day(+m[1]!, +m[2]!, +m[3]!)) : fail(`"${raw.trim()}" is not a date in YYYYMMDD`);
    case 'DD-MM-YYYY':
    case 'DD.MM.YYYY':
    case 'DD/MM/YYYY':
      m = /^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$/.exec(head);
      return m ? checked(raw, day(+m[3]!, +m[2]!, +m[1]!)) : fail(`"${raw.trim()}" is not a date in ${format}`);
    case 'MM/DD/YYYY':
      m = /^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$/.exec(head);
      return m ? checked(raw, day(+m[3]!, +m[1]!, +m[2]!)) : fail(`"${raw.trim()}" is not a date in MM/DD/YYYY`);
    case undefined:
      break;
  }
  if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(head))) return checked(raw, day(+m[1]!, +m[2]!, +m[3]!));
  if ((m = /^(\d{4})(\d{2})(\d{2})$/.exec(head))) return checked(raw, day(+m[1]!, +m[2]!, +m[3]!));
  if ((m = /^(\d{1,2})[-.](\d{1,2})[-.](\d{4})$/.exec(head))) return checked(raw, day(+m[3]!, +m[2]!, +m[1]!));
  if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(head))) {
    const [a, b] = [+m[1]!, +m[2]!];
    if (a > 12 && b <= 12) return checked(raw, day(+m[3]!, b, a));
    if (b > 12 && a <= 12) return checked(raw, day(+m[3]!, a, b));
    return fail(`"${raw.trim()}" is ambiguous: set dateFormat to MM/DD/YYYY or DD/MM/YYYY`);
  }
  return fail(`"${raw.trim()}" is not a date`);
}

/**
 * Quotes in a currency's minor unit (London pence "GBp"/"GBX", "ZAc", "ILA") as the major
 * currency: the price is divided by 100, exactly.
 */
export function majorCurrency(currency: string, price: string | null): { currency: string; price: string | null } {
  const major: Record<string, string> = { GBP_MINOR: 'GBP', GBX: 'GBP', ZAC: 'ZAR', ILA: 'ILS' };
  const key = currency === 'GBp' ? 'GBP_MINOR' : currency === 'ZAc' ? 'ZAC' : currency.toUpperCase() === 'GBX' ? 'GBX' : currency.toUpperCase() === 'ILA' ? 'ILA' : null;
  if (!key) return { currency: currency.toUpperCase(), price };
  return { currency: major[key]!, price: price === null ? null : Decimal.from(price).div('100', 20).toString() };
}

/** The absolute value of a decimal string (null stays null). */
export function abs(value: string | null): string | null {
  return value === null ? null : Decimal.from(value).abs().toString();
}

export function negate(value: string | null): string | null {
  return value === null ? null : Decimal.from(value).neg().toString();
}

export function isNegative(value: string | null): boolean {
  return value !== null && Decimal.from(value).isNegative();
}

export function sum(...values: (string | null)[]): string | null {
  const present = values.filter((v): v is string => v !== null);
  if (present.length === 0) return null;
  return Decimal.sum(present.map((v) => Decimal.from(v))).toString();
}

export function mul(a: string, b: string): string {
  return Decimal.from(a).mul(b).toString();
}
