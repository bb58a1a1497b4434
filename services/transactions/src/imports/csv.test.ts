import { describe, expect, it } from 'vitest';
import { csvCell, detectDelimiter, parseCsv } from './csv.js';

describe('the CSV reader', () => {
  it('reads quoted fields with commas, escaped quotes and line breaks, and numbers records by their first line', () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"multi\nline",z\n3,,\n';
    const records = parseCsv(text);
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['1', 'x, y', 'say "hi"'] },
      { line: 4, cells: ['2', 'multi\nline', 'z'] },
      { line: 6, cells: ['3', '', ''] },
    ]);
  });

  it('detects semicolon and tab separated files', () => {
    expect(detectDelimiter('Datum;Typ;Betrag\n')).toBe(';');
    expect(detectDelimiter('date\ttype\tamount')).toBe('\t');
    expect(parseCsv('a;b\n1,5;2').map((r) => r.cells)).toEqual([['a', 'b'], ['1,5', '2']]);
  });

  it('quotes cells that need it and defuses spreadsheet formulas on the way out', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-12.5')).toBe('-12.5');
    expect(csvCell(null)).toBe('');
  });
});
