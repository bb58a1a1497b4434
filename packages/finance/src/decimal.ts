/**
 * Exact decimal arithmetic for money a user reconciles (ADR 0010).
 *
 * A value is `coefficient × 10^-scale`. Addition, subtraction and multiplication are exact;
 * a result is rounded (half-even) only when it would need more than {@link MAX_SCALE}
 * fractional digits, or by an explicit `div`/`mulDiv`/`round`/`toFixed`.
 *
 * The coefficient is a float64 integer while it is a safe integer (|c| ≤ 2^53 − 1: every
 * price, quantity and amount a person types) and a BigInt beyond, switching exactly at the
 * boundary: the common case then allocates no BigInt, which is what keeps a full
 * recomputation of 10,000 activities fast.
 */

/** Fractional digits kept at most: enough for 18-decimal crypto quantities times 6-decimal prices. */
export const MAX_SCALE = 24;

/** How a result that does not fit is rounded. `half-even` is banker's rounding. */
export type RoundingMode = 'half-even' | 'half-up' | 'half-down' | 'down' | 'up' | 'floor' | 'ceil';

/** Thrown for malformed input or division by zero. */
export class DecimalError extends Error {
  override readonly name = 'DecimalError';
}

/** A safe integer (number) or a BigInt outside the safe range: never a BigInt inside it. */
type Coef = number | bigint;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const POW10: bigint[] = [1n];
for (let i = 1; i <= 80; i++) POW10.push(POW10[i - 1]! * 10n);
const NUM_POW10: number[] = [];
for (let i = 0; i <= 22; i++) NUM_POW10.push(10 ** i);

function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

function norm(x: bigint): Coef {
  return x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x;
}

function big(x: Coef): bigint {
  return typeof x === 'bigint' ? x : BigInt(x);
}

function addC(a: Coef, b: Coef): Coef {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (s <= MAX_SAFE && s >= -MAX_SAFE) return s || 0;
  }
  return norm(big(a) + big(b));
}

function mulC(a: Coef, b: Coef): Coef {
  if (typeof a === 'number' && typeof b === 'number') {
    // A float product below 2^53 in magnitude is the exact product.
    const p = a * b;
    if (p <= MAX_SAFE && p >= -MAX_SAFE) return p || 0;
  }
  return norm(big(a) * big(b));
}

function scaleUp(a: Coef, k: number): Coef {
  if (k === 0) return a;
  if (typeof a === 'number' && k <= 15) {
    const p = a * NUM_POW10[k]!;
    if (p <= MAX_SAFE && p >= -MAX_SAFE) return p;
  }
  return norm(big(a) * pow10(k));
}

/** Divides BigInts with the given rounding; `d` must be non-zero. */
export function roundDiv(n: bigint, d: bigint, mode: RoundingMode): bigint {
  const q = n / d;
  const r = n - q * d;
  if (r === 0n) return q;
  const negative = n < 0n !== d < 0n;
  const step = negative ? -1n : 1n;
  const r2 = (r < 0n ? -r : r) * 2n;
  const ad = d < 0n ? -d : d;
  switch (mode) {
    case 'down':
      return q;
    case 'up':
      return q + step;
    case 'floor':
      return negative ? q - 1n : q;
    case 'ceil':
      return negative ? q : q + 1n;
    case 'half-up':
      return r2 >= ad ? q + step : q;
    case 'half-down':
      return r2 > ad ? q + step : q;
    case 'half-even':
      if (r2 > ad) return q + step;
      if (r2 < ad) return q;
      return (q & 1n) === 0n ? q : q + step;
  }
}

/** Accepted input: a decimal string (`"-12.50"`, `"1e-8"`), a BigInt integer or a Decimal. */
export type DecimalInput = string | bigint | Decimal;

// Module-level constructor for the parser and helpers (set in a static block: the
// constructor stays private, and no lookup on the class happens on the hot path).
let make: (c: Coef, scale: number) => Decimal;

/**
 * Immutable exact decimal.
 *
 * @example
 * const cost = toDecimal('10').mul('123.4567').add('4.95'); // "1239.517"
 * cost.toFixed(2); // "1239.52"
 */
export class Decimal {
  /** Coefficient: a safe-integer number, or a BigInt outside that range. */
  readonly c: Coef;
  /** Number of fractional digits, 0 … MAX_SCALE. */
  readonly scale: number;

  private constructor(c: Coef, scale: number) {
    this.c = c;
    this.scale = scale;
  }

  static {
    make = (c, scale) => new Decimal(c, scale);
  }

  // Hot paths use the module-level ZERO/ONE/toDecimal: static members of a class are slow to
  // look up once a loader (tsx, vitest) has redefined the class's `name` (esbuild keepNames).
  static readonly ZERO: Decimal = new Decimal(0, 0);
  static readonly ONE: Decimal = new Decimal(1, 0);

  /** Parses a string, BigInt or Decimal; throws {@link DecimalError} on anything else. */
  static from(v: DecimalInput): Decimal {
    return toDecimal(v);
  }

  /** Parses like {@link from} but returns null for null, undefined or an empty string. */
  static maybe(v: DecimalInput | null | undefined): Decimal | null {
    return maybeDecimal(v);
  }

  /** Converts a float through its shortest round-trip string (lossy by nature: prefer strings). */
  static fromNumber(n: number): Decimal {
    if (!Number.isFinite(n)) throw new DecimalError(`not a finite number: ${n}`);
    return parse(String(n));
  }

  /** Builds `coefficient × 10^-scale`, rounding half-even if scale exceeds MAX_SCALE. */
  static of(coefficient: bigint, scale: number): Decimal {
    return scaled(norm(coefficient), scale);
  }

  /** Sum of many values, exact. */
  static sum(values: Iterable<Decimal>): Decimal {
    let acc: Decimal = ZERO;
    for (const v of values) acc = acc.add(v);
    return acc;
  }

  static min(a: Decimal, b: Decimal): Decimal {
    return a.cmp(b) <= 0 ? a : b;
  }

  static max(a: Decimal, b: Decimal): Decimal {
    return a.cmp(b) >= 0 ? a : b;
  }

  /** The coefficient as a BigInt. */
  get coefficient(): bigint {
    return big(this.c);
  }

  add(other: DecimalInput): Decimal {
    const b = toDecimal(other);
    if (this.scale === b.scale) return new Decimal(addC(this.c, b.c), this.scale);
    if (this.scale > b.scale) return new Decimal(addC(this.c, scaleUp(b.c, this.scale - b.scale)), this.scale);
    return new Decimal(addC(scaleUp(this.c, b.scale - this.scale), b.c), b.scale);
  }

  sub(other: DecimalInput): Decimal {
    const b = toDecimal(other);
    if (b.c === 0) return this;
    const nb = typeof b.c === 'number' ? -b.c : norm(-b.c);
    if (this.scale === b.scale) return new Decimal(addC(this.c, nb), this.scale);
    if (this.scale > b.scale) return new Decimal(addC(this.c, scaleUp(nb, this.scale - b.scale)), this.scale);
    return new Decimal(addC(scaleUp(this.c, b.scale - this.scale), nb), b.scale);
  }

  mul(other: DecimalInput): Decimal {
    const b = toDecimal(other);
    return scaled(mulC(this.c, b.c), this.scale + b.scale);
  }

  /** `this / divisor` rounded to `scale` fractional digits (default MAX_SCALE, half-even). */
  div(divisor: DecimalInput, scale: number = MAX_SCALE, mode: RoundingMode = 'half-even'): Decimal {
    const b = toDecimal(divisor);
    if (b.c === 0) throw new DecimalError('division by zero');
    // (a/10^ea) / (b/10^eb) = a·10^(s+eb) / (b·10^ea) · 10^-s
    const num = big(this.c) * pow10(scale + b.scale);
    const den = big(b.c) * pow10(this.scale);
    return new Decimal(norm(roundDiv(num, den, mode)), scale);
  }

  /** `this × numerator / denominator` with a single rounding (pro-rata allocation). */
  mulDiv(numerator: DecimalInput, denominator: DecimalInput, scale: number = MAX_SCALE, mode: RoundingMode = 'half-even'): Decimal {
    const n = toDecimal(numerator);
    const d = toDecimal(denominator);
    if (d.c === 0) throw new DecimalError('division by zero');
    const num = big(this.c) * big(n.c) * pow10(scale + d.scale);
    const den = big(d.c) * pow10(this.scale + n.scale);
    return new Decimal(norm(roundDiv(num, den, mode)), scale);
  }

  neg(): Decimal {
    if (this.c === 0) return this;
    return new Decimal(typeof this.c === 'number' ? -this.c : norm(-this.c), this.scale);
  }

  abs(): Decimal {
    return this.c < 0 ? this.neg() : this;
  }

  /** -1, 0 or 1. */
  sign(): -1 | 0 | 1 {
    return this.c === 0 ? 0 : this.c < 0 ? -1 : 1;
  }

  isZero(): boolean {
    return this.c === 0;
  }

  isNegative(): boolean {
    return this.c < 0;
  }

  isPositive(): boolean {
    return this.c > 0;
  }

  /** -1, 0 or 1 as `this` is less than, equal to or greater than `other` (by value). */
  cmp(other: DecimalInput): -1 | 0 | 1 {
    const b = toDecimal(other);
    let x = this.c;
    let y = b.c;
    if (this.scale > b.scale) y = scaleUp(y, this.scale - b.scale);
    else if (b.scale > this.scale) x = scaleUp(x, b.scale - this.scale);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  eq(other: DecimalInput): boolean {
    return this.cmp(other) === 0;
  }

  lt(other: DecimalInput): boolean {
    return this.cmp(other) < 0;
  }

  lte(other: DecimalInput): boolean {
    return this.cmp(other) <= 0;
  }

  gt(other: DecimalInput): boolean {
    return this.cmp(other) > 0;
  }

  gte(other: DecimalInput): boolean {
    return this.cmp(other) >= 0;
  }

  /** Rounds to `places` fractional digits (never adds digits). */
  round(places: number, mode: RoundingMode = 'half-even'): Decimal {
    if (places >= this.scale) return this;
    return new Decimal(norm(roundDiv(big(this.c), pow10(this.scale - places), mode)), places);
  }

  /** Exactly `places` fractional digits, rounded with `mode` (default half-even). */
  toFixed(places: number, mode: RoundingMode = 'half-even'): string {
    const r = this.round(places, mode);
    return format(scaleUp(r.c, places - r.scale), places, false);
  }

  /** Canonical string: no exponent, no trailing fractional zeros ("1.5", "-0.001", "0"). */
  toString(): string {
    return format(this.c, this.scale, true);
  }

  toJSON(): string {
    return this.toString();
  }

  /** Nearest float64 (for derived series and statistics only, never for balances). */
  toNumber(): number {
    if (typeof this.c === 'number' && this.scale <= 22) return this.c / NUM_POW10[this.scale]!;
    return Number.parseFloat(format(this.c, this.scale, false));
  }
}

/** Zero (module constant: cheaper to reach than `Decimal.ZERO`). */
export const ZERO: Decimal = make(0, 0);
/** One. */
export const ONE: Decimal = make(1, 0);

/** Parses a string, BigInt or Decimal (same as `Decimal.from`). */
export function toDecimal(v: DecimalInput): Decimal {
  if (typeof v === 'string') return parse(v);
  if (typeof v === 'bigint') return make(norm(v), 0);
  // Untyped callers: a float here would silently become a wrong "Decimal".
  if (typeof v !== 'object' || v === null) throw new DecimalError(`not a decimal input: ${typeof v} ${String(v)}`);
  return v;
}

/** Like {@link toDecimal} but null for null, undefined or an empty string. */
export function maybeDecimal(v: DecimalInput | null | undefined): Decimal | null {
  if (v === null || v === undefined || v === '') return null;
  return toDecimal(v);
}

function scaled(c: Coef, scale: number): Decimal {
  if (scale < 0) return make(scaleUp(c, -scale), 0);
  if (scale > MAX_SCALE) return make(norm(roundDiv(big(c), pow10(scale - MAX_SCALE), 'half-even')), MAX_SCALE);
  return make(c, scale);
}

function format(c: Coef, scale: number, strip: boolean): string {
  const negative = c < 0;
  let digits = (negative ? -c : c).toString();
  if (scale === 0) return negative ? `-${digits}` : digits;
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  let int = digits.slice(0, digits.length - scale);
  let frac = digits.slice(digits.length - scale);
  if (strip) {
    let end = frac.length;
    while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
    frac = frac.slice(0, end);
  }
  if (int === '') int = '0';
  const body = frac.length > 0 ? `${int}.${frac}` : int;
  return negative ? `-${body}` : body;
}

function parse(s: string): Decimal {
  const len = s.length;
  let i = 0;
  let negative = false;
  const first = s.charCodeAt(0);
  if (first === 45 /* - */ || first === 43 /* + */) {
    negative = first === 45;
    i = 1;
  }
  // Up to 15 digits accumulate exactly in a float: no slicing, no BigInt.
  let acc = 0;
  let digits = 0;
  let fraction = 0;
  let dot = false;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      acc = acc * 10 + (c - 48);
      digits++;
      if (dot) fraction++;
    } else if (c === 46 /* . */ && !dot) dot = true;
    else break;
  }
  if (digits === 0) throw new DecimalError(`not a decimal: ${JSON.stringify(s)}`);
  const mantissaEnd = i;
  let exponent = 0;
  if (i < len && (s.charCodeAt(i) === 101 || s.charCodeAt(i) === 69) /* e E */) {
    const expStart = ++i;
    if (i < len && (s.charCodeAt(i) === 45 || s.charCodeAt(i) === 43)) i++;
    const digitsStart = i;
    while (i < len && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === digitsStart) throw new DecimalError(`not a decimal: ${JSON.stringify(s)}`);
    exponent = Number(s.slice(expStart, i));
  }
  if (i !== len) throw new DecimalError(`not a decimal: ${JSON.stringify(s)}`);
  let c: Coef;
  if (digits <= 15) c = negative && acc !== 0 ? -acc : acc;
  else {
    const body = BigInt(s.slice(first === 45 || first === 43 ? 1 : 0, mantissaEnd).replace('.', ''));
    c = norm(negative ? -body : body);
  }
  return scaled(c, fraction - exponent);
}
