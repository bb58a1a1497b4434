import { describe, expect, it } from 'vitest';
import { majorCurrency, parseDay, parseNumber } from './values.js';

describe('reading numbers as brokers write them', () => {
  it.each([
    ['1,259.59', '1259.59'],
    ['-$694.48', '-694.48'],
    ['$1,680.00', '1680'],
    ['(12.50)', '-12.5'],
    ['26,45', '26.45'],
    ["1'234.5", '1234.5'],
    ['1.5E-7', '0.00000015'],
    ['USD 12', '12'],
    ['1,000', '1000'],
    ['  ', null],
    ['--', null],
  ])('%s → %s', (raw, expected) => {
    expect(parseNumber(raw)).toEqual({ ok: true, value: expected });
  });

  it('reads a decimal comma with thousands dots when told to', () => {
    expect(parseNumber('1.234,56', { decimalSeparator: ',' })).toEqual({ ok: true, value: '1234.56' });
  });

  it('refuses what is not a number, saying what it saw', () => {
    expect(parseNumber('12abc')).toEqual({ ok: false, error: '"12abc" is not a number' });
    expect(parseNumber('1.0000000000000000001')).toMatchObject({ ok: false });
  });
});

describe('reading days', () => {
  it.each([
    ['2024-03-01', undefined, '2024-03-01'],
    ['2024-03-01T23:30:00-05:00', undefined, '2024-03-01'],
    ['20240301', undefined, '2024-03-01'],
    ['20240301;093000', undefined, '2024-03-01'],
    ['2024-03-01, 09:30:00', undefined, '2024-03-01'],
    ['01.03.2024', undefined, '2024-03-01'],
    ['15/03/2024', undefined, '2024-03-15'],
    ['03/15/2024', undefined, '2024-03-15'],
    ['07/15/2024 as of 07/12/2024', 'MM/DD/YYYY', '2024-07-15'],
    ['01-03-2024', 'DD-MM-YYYY', '2024-03-01'],
  ] as const)('%s (%s) → %s', (raw, format, expected) => {
    expect(parseDay(raw, format)).toEqual({ ok: true, value: expected });
  });

  it('refuses an ambiguous day, an impossible one and text', () => {
    expect(parseDay('03/04/2024')).toEqual({ ok: false, error: '"03/04/2024" is ambiguous: set dateFormat to MM/DD/YYYY or DD/MM/YYYY' });
    expect(parseDay('2024-02-30')).toMatchObject({ ok: false });
    expect(parseDay('yesterday')).toMatchObject({ ok: false });
  });
});

describe('minor currency units', () => {
  it('turns pence into pounds exactly', () => {
    expect(majorCurrency('GBp', '496')).toEqual({ currency: 'GBP', price: '4.96' });
    expect(majorCurrency('GBX', '1234.5')).toEqual({ currency: 'GBP', price: '12.345' });
    expect(majorCurrency('usd', '1')).toEqual({ currency: 'USD', price: '1' });
  });
});

describe('hostile cells', () => {
  // Unbounded, these patterns backtrack quadratically: a megabyte cell would hang the import.
  it('refuses a huge cell without reading it through', () => {
    expect(parseNumber('1'.repeat(1_000_000) + 'x')).toMatchObject({ ok: false });
    expect(parseDay(`1 ${' '.repeat(1_000_000)}x`)).toMatchObject({ ok: false });
  });
});
