/**
 * Locale-aware formatting with Intl. Exact decimals arrive as strings and are handed to
 * Intl as strings (Intl.NumberFormat v3 formats them without going through a float), so a
 * balance shows to the cent what the ledger holds.
 */

export const DEFAULT_LOCALE = typeof navigator !== 'undefined' ? navigator.language || 'en-US' : 'en-US';

type Numeric = string | number;

const cache = new Map<string, Intl.NumberFormat>();
function nf(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale + JSON.stringify(options);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

function asIntlValue(value: Numeric): number | Intl.StringNumericLiteral {
  return typeof value === 'number' ? value : (value.trim() as Intl.StringNumericLiteral);
}

/** Whether a value can be shown as a number. */
export function isNumeric(value: Numeric | null | undefined): value is Numeric {
  if (value === null || value === undefined) return false;
  if (typeof value === 'number') return Number.isFinite(value);
  return /^[+-]?\d+(\.\d+)?$/.test(value.trim());
}

/** `formatMoney("1234.5", "EUR", "de-DE")` → `1.234,50 €`. A dash for a missing value. */
export function formatMoney(
  value: Numeric | null | undefined,
  currency: string,
  { locale = DEFAULT_LOCALE, signed = false, compact = false }: { locale?: string; signed?: boolean; compact?: boolean } = {},
): string {
  if (!isNumeric(value)) return '—';
  try {
    return nf(locale, {
      style: 'currency',
      currency,
      signDisplay: signed ? 'exceptZero' : 'auto',
      ...(compact ? { notation: 'compact', maximumFractionDigits: 1 } : {}),
    }).format(asIntlValue(value));
  } catch {
    // An unknown currency code: show the number and the code.
    return `${formatNumber(value, { locale })} ${currency}`;
  }
}

/** Plain number with up to `maxDigits` fraction digits (quantities keep their precision). */
export function formatNumber(value: Numeric | null | undefined, { locale = DEFAULT_LOCALE, maxDigits = 8 } = {}): string {
  if (!isNumeric(value)) return '—';
  return nf(locale, { maximumFractionDigits: maxDigits }).format(asIntlValue(value));
}

/** A fraction as a percentage: `0.0123` → `1.23 %` (locale spacing), signed on request. */
export function formatPercent(
  fraction: number | null | undefined,
  { locale = DEFAULT_LOCALE, signed = false, digits = 2 }: { locale?: string; signed?: boolean; digits?: number } = {},
): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return nf(locale, {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    signDisplay: signed ? 'exceptZero' : 'auto',
  }).format(fraction);
}

/** A calendar day `YYYY-MM-DD` in the reader's words (never shifted by their time zone). */
export function formatDay(
  day: string | null | undefined,
  { locale = DEFAULT_LOCALE, style = 'medium' }: { locale?: string; style?: 'short' | 'medium' | 'long' } = {},
): string {
  if (!day) return '—';
  const d = parseDay(day);
  if (!d) return day;
  return new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone: 'UTC' }).format(d);
}

/** An instant (ISO date-time) with date and time in the reader's zone. */
export function formatInstant(iso: string | null | undefined, { locale = DEFAULT_LOCALE } = {}): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** `YYYY-MM-DD` → Date at UTC midnight, or null when it is not a real day. */
export function parseDay(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Today as `YYYY-MM-DD` in the reader's zone (the day they would write on a form). */
export function today(now = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Sign of a decimal string or number: -1, 0 or 1 (for gain/loss colours). */
export function signOf(value: Numeric | null | undefined): -1 | 0 | 1 {
  if (!isNumeric(value)) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  return n > 0 ? 1 : n < 0 ? -1 : 0;
}

/** Tailwind classes for a gain (green), a loss (red) or nothing. */
export function gainClass(value: Numeric | null | undefined): string {
  const s = signOf(value);
  return s > 0 ? 'text-emerald-700 dark:text-emerald-400' : s < 0 ? 'text-rose-700 dark:text-rose-400' : '';
}

/**
 * What a person typed in a number field → the API's decimal string, or an error message.
 * Accepts spaces and a decimal comma ("1 234,50"); refuses grouping that is ambiguous.
 */
export function parseDecimalInput(input: string): { value: string } | { error: string } {
  let s = input.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (s === '') return { error: 'is required' };
  const commas = (s.match(/,/g) ?? []).length;
  const dots = (s.match(/\./g) ?? []).length;
  if (commas > 0 && dots > 0) {
    // The later separator is the decimal one: "1,234.50" or "1.234,50".
    if (s.lastIndexOf(',') > s.lastIndexOf('.')) s = s.replace(/\./g, '').replace(',', '.');
    else s = s.replace(/,/g, '');
  } else if (commas === 1) {
    s = s.replace(',', '.');
  } else if (commas > 1) {
    s = s.replace(/,/g, '');
  }
  if (!/^[+-]?\d{1,20}(\.\d{1,18})?$/.test(s)) return { error: 'must be a number, like 12.50' };
  return { value: s.replace(/^\+/, '') };
}
