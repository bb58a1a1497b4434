import { type DecimalInput, type RoundingMode, toDecimal } from './decimal.js';

// ISO 4217 currencies whose minor unit is not 2 digits; everything else (and unknown codes) uses 2.
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
  // Common crypto "currencies": their smallest unit.
  BTC: 8, ETH: 18,
};

/** Digits after the decimal point in the currency's minor unit (ISO 4217; 2 if unknown). */
export function minorUnitDigits(currency: string): number {
  return MINOR_UNITS[currency.toUpperCase()] ?? 2;
}

/**
 * Rounds an amount to the currency's minor unit for presentation only: never store the
 * result back into a balance. Default rounding is half-even (unbiased over many figures);
 * pass `half-up` where a statement or tax authority mandates commercial rounding.
 *
 * @example roundToMinorUnit('10.125', 'EUR') // "10.12"; roundToMinorUnit('10.125', 'EUR', 'half-up') // "10.13"
 */
export function roundToMinorUnit(amount: DecimalInput, currency: string, mode: RoundingMode = 'half-even'): string {
  return toDecimal(amount).toFixed(minorUnitDigits(currency), mode);
}
