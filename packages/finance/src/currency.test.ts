import { describe, expect, it } from 'vitest';
import { minorUnitDigits, roundToMinorUnit } from './currency.js';

describe('currency presentation', () => {
  it('knows minor units of ISO 4217 currencies', () => {
    expect(minorUnitDigits('EUR')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('KWD')).toBe(3);
    expect(minorUnitDigits('xyz')).toBe(2);
  });

  it('rounds half-even by default and half-up on request, only for presentation', () => {
    expect(roundToMinorUnit('10.125', 'EUR')).toBe('10.12');
    expect(roundToMinorUnit('10.135', 'EUR')).toBe('10.14');
    expect(roundToMinorUnit('10.125', 'EUR', 'half-up')).toBe('10.13');
    expect(roundToMinorUnit('1234.5', 'JPY')).toBe('1234');
    expect(roundToMinorUnit('0.0005', 'BHD', 'half-up')).toBe('0.001');
  });
});
