import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, DecimalError, MAX_SCALE, toDecimal } from './decimal.js';

const d = (s: string): Decimal => toDecimal(s);

describe('Decimal', () => {
  it('parses and prints canonical strings', () => {
    expect(d('12.50').toString()).toBe('12.5');
    expect(d('-0.000100').toString()).toBe('-0.0001');
    expect(d('+7').toString()).toBe('7');
    expect(d('.5').toString()).toBe('0.5');
    expect(d('5.').toString()).toBe('5');
    expect(d('-0').toString()).toBe('0');
    expect(d('1e-8').toString()).toBe('0.00000001');
    expect(d('1.5E3').toString()).toBe('1500');
    expect(d('123456789012345678901234567890.123456789').toString()).toBe('123456789012345678901234567890.123456789');
    expect(d('0.000000000000000001').toString()).toBe('0.000000000000000001');
  });

  it('rejects what is not a decimal', () => {
    for (const bad of ['', '-', '.', 'abc', '1.2.3', '1e', '1,5', ' 1', 'NaN', 'Infinity']) {
      expect(() => d(bad), bad).toThrow(DecimalError);
    }
    expect(() => toDecimal(0.1 as unknown as string)).toThrow(DecimalError);
  });

  it('adds 0.1 and 0.2 to exactly 0.3', () => {
    expect(d('0.1').add('0.2').eq('0.3')).toBe(true);
    expect(0.1 + 0.2).not.toBe(0.3);
  });

  it('multiplies exactly while the result fits in MAX_SCALE digits', () => {
    expect(d('1.000000000000000001').mul('3').toString()).toBe('3.000000000000000003');
    expect(d('123.4567').mul('10').add('4.95').toString()).toBe('1239.517');
  });

  it('rounds a product beyond MAX_SCALE half-even at the last kept digit', () => {
    const tiny = d(`0.${'0'.repeat(MAX_SCALE - 1)}5`);
    expect(tiny.mul('0.5').toString()).toBe('0.' + '0'.repeat(MAX_SCALE - 1) + '2');
    expect(tiny.mul('0.5').scale).toBe(MAX_SCALE);
  });

  it('divides with the requested scale and rounding', () => {
    expect(d('10').div('3', 4).toString()).toBe('3.3333');
    expect(d('2').div('3', 4).toString()).toBe('0.6667');
    expect(d('-2').div('3', 4).toString()).toBe('-0.6667');
    expect(d('1').div('8', 2).toString()).toBe('0.12');
    expect(d('1').div('8', 2, 'half-up').toString()).toBe('0.13');
    expect(() => d('1').div('0')).toThrow(DecimalError);
  });

  it('rounds with every mode', () => {
    const cases: [string, Parameters<Decimal['toFixed']>[1], string][] = [
      ['2.345', 'half-even', '2.34'],
      ['2.355', 'half-even', '2.36'],
      ['2.345', 'half-up', '2.35'],
      ['-2.345', 'half-up', '-2.35'],
      ['2.345', 'half-down', '2.34'],
      ['2.341', 'up', '2.35'],
      ['2.349', 'down', '2.34'],
      ['-2.341', 'floor', '-2.35'],
      ['-2.349', 'ceil', '-2.34'],
    ];
    for (const [v, mode, want] of cases) expect(d(v).toFixed(2, mode), `${v} ${mode}`).toBe(want);
    expect(d('-0.001').toFixed(2)).toBe('0.00');
    expect(d('5').toFixed(3)).toBe('5.000');
  });

  it('computes a × b / c with one rounding', () => {
    expect(d('100').mulDiv('1', '3', 6).toString()).toBe('33.333333');
    expect(d('0.01').mulDiv('7', '7').toString()).toBe('0.01');
  });

  it('compares by value, not representation', () => {
    expect(d('1.50').eq('1.5')).toBe(true);
    expect(d('1.5').cmp('1.49')).toBe(1);
    expect(d('-1').lt('0')).toBe(true);
    expect(Decimal.max(d('2'), d('10')).toString()).toBe('10');
  });

  it('stays exact across the 2^53 boundary of its float fast path', () => {
    const max = d('9007199254740991');
    expect(max.add('1').toString()).toBe('9007199254740992');
    expect(max.add('2').sub('2').toString()).toBe('9007199254740991');
    const x = 9490626562425156n; // squared it crosses 2^53 many times over
    expect(d('94906265.62425156').mul('94906265.62425156').coefficient).toBe(x * x);
    expect(d('0.000000000000000001').mul('1000000000000000000').toString()).toBe('1');
    expect(d('12345678901234567890').sub('12345678901234567889').coefficient).toBe(1n);
    expect(d('12345678901234567890').eq(d('12345678901234567890.000'))).toBe(true);
    expect(max.mul('3').div('3').eq(max)).toBe(true);
    expect(d('-9007199254740993').lt('-9007199254740992')).toBe(true);
  });

  it('converts to the nearest float', () => {
    expect(d('1234.5678').toNumber()).toBe(1234.5678);
    expect(d('0.1').toNumber()).toBe(0.1);
    expect(d('123456789012345678901234.5').toNumber()).toBeCloseTo(1.2345678901234568e23, -9);
  });

  it('serialises to its string in JSON', () => {
    expect(JSON.stringify({ a: d('1.10') })).toBe('{"a":"1.1"}');
  });

  it('keeps a + b − b = a and (a × b) / b = a exactly (property)', () => {
    const dec = fc
      .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 12 }))
      .map(([c, s]) => Decimal.of(c, s));
    fc.assert(
      fc.property(dec, dec, (a, b) => {
        expect(a.add(b).sub(b).eq(a)).toBe(true);
        if (!b.isZero()) expect(a.mul(b).div(b).eq(a)).toBe(true);
        expect(a.add(b).eq(b.add(a))).toBe(true);
      }),
    );
  });

  it('round-trips through its string (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: MAX_SCALE }), (c, s) => {
        const x = Decimal.of(c, s);
        expect(toDecimal(x.toString()).eq(x)).toBe(true);
      }),
    );
  });
});
