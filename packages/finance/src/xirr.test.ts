import { describe, expect, it } from 'vitest';
import { parseDate } from './dates.js';
import { xirr } from './xirr.js';

function npv(rate: number, flows: { date: string; amount: number }[]): number {
  const d0 = parseDate(flows[0]!.date);
  return flows.reduce((s, f) => s + f.amount / Math.pow(1 + rate, (parseDate(f.date) - d0) / 365), 0);
}

describe('xirr', () => {
  it("matches the spreadsheet XIRR documentation example (37.34%)", () => {
    const flows = [
      { date: '2008-01-01', amount: -10000 },
      { date: '2008-03-01', amount: 2750 },
      { date: '2008-10-30', amount: 4250 },
      { date: '2009-02-15', amount: 3250 },
      { date: '2009-04-01', amount: 2750 },
    ];
    expect(xirr(flows)).toBeCloseTo(0.373362535, 8);
  });

  it('is the simple growth rate for one payment and one receipt a year apart', () => {
    expect(xirr([{ date: '2021-01-01', amount: -100 }, { date: '2022-01-01', amount: 110 }])).toBeCloseTo(0.1, 12);
  });

  it('is robust near a total loss', () => {
    const flows = [
      { date: '2020-01-01', amount: -1000 },
      { date: '2030-01-01', amount: 0.001 },
    ];
    const r = xirr(flows)!;
    expect(r).toBeGreaterThan(-1);
    expect(r).toBeLessThan(-0.7);
    expect(Math.abs(npv(r, flows))).toBeLessThan(1e-9);
  });

  it('solves short and very profitable periods', () => {
    const flows = [
      { date: '2024-01-01', amount: -100 },
      { date: '2024-01-11', amount: 150 },
    ];
    const r = xirr(flows)!;
    expect(Math.abs(r / (Math.pow(1.5, 36.5) - 1) - 1)).toBeLessThan(1e-9);
    expect(Math.abs(npv(r, flows))).toBeLessThan(1e-6);
  });

  it('handles many flows over decades', () => {
    const flows = [{ date: '1990-01-01', amount: -1000 }];
    for (let y = 1991; y <= 2030; y++) flows.push({ date: `${y}-06-30`, amount: y % 3 === 0 ? -500 : 120 });
    flows.push({ date: '2031-01-01', amount: 5000 });
    const r = xirr(flows)!;
    expect(Math.abs(npv(r, flows))).toBeLessThan(1e-6);
  });

  it('returns null without both a payment and a receipt', () => {
    expect(xirr([{ date: '2020-01-01', amount: -1 }])).toBeNull();
    expect(xirr([{ date: '2020-01-01', amount: 1 }, { date: '2020-02-01', amount: 2 }])).toBeNull();
    expect(xirr([])).toBeNull();
  });

  it('finds the root nearest the guess when there are two', () => {
    // -100, +230, -132 a year apart (no leap day): roots at exactly 10% and 20% a year.
    const flows = [
      { date: '2021-01-01', amount: -100 },
      { date: '2022-01-01', amount: 230 },
      { date: '2023-01-01', amount: -132 },
    ];
    const r = xirr(flows)!;
    expect(Math.abs(npv(r, flows))).toBeLessThan(1e-9);
    expect(r).toBeCloseTo(0.1, 10);
    expect(xirr(flows, 0.25)).toBeCloseTo(0.2, 10);
  });
});
