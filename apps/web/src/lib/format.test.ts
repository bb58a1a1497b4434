import { describe, expect, it } from 'vitest';
import { formatDay, formatMoney, formatNumber, formatPercent, gainClass, parseDecimalInput, signOf, today } from './format';

describe('formatting money, numbers and days', () => {
  it('formats an amount in the currency and locale asked for', () => {
    expect(formatMoney('1234.5', 'USD', { locale: 'en-US' })).toBe('$1,234.50');
    expect(formatMoney('1234.5', 'EUR', { locale: 'de-DE' })).toBe('1.234,50\u00a0€');
    expect(formatMoney('-12', 'GBP', { locale: 'en-GB' })).toBe('-£12.00');
  });

  it('keeps every digit of a decimal string beyond float precision', () => {
    // 2^53 + 1 cannot be a float: Intl must format the string itself.
    expect(formatMoney('9007199254740993.25', 'USD', { locale: 'en-US' })).toBe('$9,007,199,254,740,993.25');
    expect(formatNumber('0.000000012345', { locale: 'en-US', maxDigits: 12 })).toBe('0.000000012345');
  });

  it('signs gains and losses on request and shows a dash for a missing value', () => {
    expect(formatMoney('5', 'USD', { locale: 'en-US', signed: true })).toBe('+$5.00');
    expect(formatMoney('0', 'USD', { locale: 'en-US', signed: true })).toBe('$0.00');
    expect(formatMoney(null, 'USD')).toBe('—');
    expect(formatMoney('abc', 'USD')).toBe('—');
  });

  it('falls back to number and code for a currency Intl does not know', () => {
    expect(formatMoney('3', 'XX1', { locale: 'en-US' })).toBe('3 XX1');
  });

  it('formats fractions as percentages', () => {
    expect(formatPercent(0.0123, { locale: 'en-US' })).toBe('1.23%');
    expect(formatPercent(-0.5, { locale: 'en-US', signed: true, digits: 0 })).toBe('-50%');
    expect(formatPercent(0.1, { locale: 'fr-FR', digits: 1 })).toBe('10,0\u00a0%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(Number.NaN)).toBe('—');
  });

  it('shows a calendar day as that day whatever the time zone', () => {
    expect(formatDay('2024-03-01', { locale: 'en-US' })).toBe('Mar 1, 2024');
    expect(formatDay('2024-12-31', { locale: 'de-DE', style: 'short' })).toBe('31.12.24');
    expect(formatDay(null)).toBe('—');
  });

  it('gives today in the local calendar', () => {
    expect(today(new Date(2024, 0, 5, 23, 59))).toBe('2024-01-05');
  });

  it('colours gains green and losses red', () => {
    expect(signOf('-0.01')).toBe(-1);
    expect(signOf('0')).toBe(0);
    expect(gainClass('2')).toContain('emerald');
    expect(gainClass(-1)).toContain('rose');
    expect(gainClass(null)).toBe('');
  });
});

describe('reading a number typed by a person', () => {
  it.each([
    ['12.50', '12.50'],
    ['12,50', '12.50'],
    ['1,234.50', '1234.50'],
    ['1.234,50', '1234.50'],
    ['1 234,5', '1234.5'],
    ['+3', '3'],
    ['-0.25', '-0.25'],
    ['1,000,000', '1000000'],
  ])('reads %s as %s', (input, value) => {
    expect(parseDecimalInput(input)).toEqual({ value });
  });

  it.each([[''], ['abc'], ['1.2.3'], ['12e3'], ['1/2']])('refuses %j with a message', (input) => {
    const result = parseDecimalInput(input);
    expect('error' in result && result.error.length > 0).toBe(true);
  });
});
