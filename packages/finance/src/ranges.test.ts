import { describe, expect, it } from 'vitest';
import { formatDate, parseDate } from './dates.js';
import { resolveRange, type RangeSpec } from './ranges.js';

const asOf = parseDate('2024-06-12'); // a Wednesday
const first = parseDate('2015-03-09');

function r(spec: RangeSpec): [string, string] {
  const x = resolveRange(spec, asOf, first);
  return [formatDate(x.base), formatDate(x.end)];
}

describe('resolveRange', () => {
  it('uses the close of the day before the period as its base', () => {
    expect(r('1D')).toEqual(['2024-06-11', '2024-06-12']);
    expect(r('WTD')).toEqual(['2024-06-09', '2024-06-12']);
    expect(r('MTD')).toEqual(['2024-05-31', '2024-06-12']);
    expect(r('YTD')).toEqual(['2023-12-31', '2024-06-12']);
    expect(r('1Y')).toEqual(['2023-06-12', '2024-06-12']);
    expect(r('3Y')).toEqual(['2021-06-12', '2024-06-12']);
    expect(r('5Y')).toEqual(['2019-06-12', '2024-06-12']);
    expect(r('MAX')).toEqual(['2015-03-09', '2024-06-12']);
  });

  it('resolves calendar years and custom ranges', () => {
    expect(r({ year: 2020 })).toEqual(['2019-12-31', '2020-12-31']);
    expect(r({ year: 2024 })).toEqual(['2023-12-31', '2024-06-12']);
    expect(r({ from: '2020-02-15', to: '2020-03-15' })).toEqual(['2020-02-15', '2020-03-15']);
  });

  it('clamps to the portfolio start and to asOf', () => {
    expect(r({ year: 2010 })).toEqual(['2015-03-09', '2015-03-09']);
    expect(r({ from: '2001-01-01', to: '2030-01-01' })).toEqual(['2015-03-09', '2024-06-12']);
    const young = resolveRange('5Y', asOf, parseDate('2024-06-01'));
    expect(formatDate(young.base)).toBe('2024-06-01');
  });

  it('starts WTD on the Sunday before a Monday', () => {
    const monday = parseDate('2024-06-10');
    expect(formatDate(resolveRange('WTD', monday, first).base)).toBe('2024-06-09');
  });
});
