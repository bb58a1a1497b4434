import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv.js';
import { ghostfolioDay, readJsonFile } from '../json.js';
import type { Candidate } from '../types.js';
import { choosePreset } from './index.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8');
}

function read(name: string, options: Partial<Parameters<ReturnType<typeof choosePreset>['read']>[1]> = {}) {
  const records = parseCsv(fixture(name));
  const preset = choosePreset('auto', records);
  return { preset: preset.id, rows: preset.read(records, { absoluteValues: false, ...options }) };
}

/** The fields a test cares about, without empties. */
function brief(c: Candidate) {
  const out: Record<string, unknown> = { row: c.row };
  for (const k of ['skip', 'type', 'date', 'symbol', 'quantity', 'unitPrice', 'amount', 'fee', 'tax', 'currency', 'account'] as const) {
    if (c[k] !== null && c[k] !== undefined) out[k] = c[k];
  }
  if (c.errors.length > 0) out.errors = c.errors;
  return out;
}

describe('broker presets', () => {
  it('reads an Interactive Brokers Flex file with trades and cash transactions, skipping forex', () => {
    const { preset, rows } = read('ibkr-flex.csv');
    expect(preset).toBe('ibkr-flex');
    expect(rows.map(brief)).toEqual([
      { row: 2, type: 'BUY', date: '2023-05-22', symbol: 'VT', quantity: '95', unitPrice: '93.78', fee: '1', currency: 'USD', account: 'U1234567' },
      { row: 3, type: 'BUY', date: '2023-06-09', symbol: 'VT', quantity: '105', unitPrice: '95.42', fee: '1', currency: 'USD', account: 'U1234567' },
      { row: 4, type: 'SELL', date: '2024-01-26', symbol: 'VT', quantity: '50', unitPrice: '103.61', fee: '1.0043', currency: 'USD', account: 'U1234567' },
      { row: 5, skip: 'currency conversion (forex trade): not an activity', date: '2023-05-22', account: 'U1234567' },
      { row: 7, type: 'DEPOSIT', date: '2023-05-15', amount: '20000', currency: 'USD', account: 'U1234567' },
      { row: 8, type: 'DIVIDEND', date: '2023-06-23', symbol: 'VT', amount: '137.23', currency: 'USD', account: 'U1234567' },
      { row: 9, type: 'TAX', date: '2023-06-23', symbol: 'VT', amount: '20.58', currency: 'USD', account: 'U1234567' },
      { row: 10, type: 'INTEREST', date: '2023-07-05', amount: '3.12', currency: 'USD', account: 'U1234567' },
      { row: 11, type: 'FEE', date: '2023-07-05', amount: '4.5', currency: 'USD', account: 'U1234567' },
    ]);
  });

  it('reads an Interactive Brokers activity statement section by section, ignoring totals, forex and options', () => {
    const { preset, rows } = read('ibkr-activity.csv');
    expect(preset).toBe('ibkr-activity');
    expect(rows.map(brief)).toEqual([
      { row: 8, type: 'BUY', date: '2024-01-16', symbol: 'AAPL', quantity: '10', unitPrice: '183.63', fee: '1', currency: 'USD' },
      { row: 9, type: 'SELL', date: '2024-03-05', symbol: 'AAPL', quantity: '4', unitPrice: '170.12', fee: '1.0043', currency: 'USD' },
      { row: 12, skip: 'currency conversion (forex trade): not an activity', date: '2024-01-10' },
      { row: 13, skip: 'Equity and Index Options trades are not supported yet', date: '2024-01-12' },
      { row: 15, type: 'DEPOSIT', date: '2024-01-02', amount: '5000', currency: 'USD' },
      { row: 18, type: 'DIVIDEND', date: '2024-02-15', symbol: 'AAPL', amount: '2.4', currency: 'USD' },
      { row: 21, type: 'TAX', date: '2024-02-15', symbol: 'AAPL', amount: '0.36', currency: 'USD' },
      { row: 24, type: 'INTEREST', date: '2024-02-05', amount: '1.57', currency: 'USD' },
      { row: 26, type: 'FEE', date: '2024-02-05', amount: '10', currency: 'USD' },
    ]);
  });

  it('reads a DEGIRO transactions export: ISIN as symbol, sells from negative quantities, fees converted into the trade currency', () => {
    const { preset, rows } = read('degiro-transactions.csv');
    expect(preset).toBe('degiro');
    expect(rows.map(brief)).toEqual([
      // (2.00 + 3.97 AutoFX) EUR × 1.0868 USD/EUR
      { row: 2, type: 'BUY', date: '2024-03-15', symbol: 'US0378331005', quantity: '10', unitPrice: '172.5', fee: '6.488196', currency: 'USD' },
      { row: 3, type: 'BUY', date: '2024-04-02', symbol: 'IE00B3RBWM25', quantity: '5', unitPrice: '112.66', fee: '1', currency: 'EUR' },
      // Pence become pounds: 496 GBX = 4.96 GBP; 2 EUR × 85.5918 GBX/EUR = 1.711836 GBP.
      { row: 4, type: 'BUY', date: '2024-04-02', symbol: 'GB00BPQY8M80', quantity: '4', unitPrice: '4.96', fee: '1.711836', currency: 'GBP' },
      { row: 5, type: 'SELL', date: '2024-05-10', symbol: 'US0378331005', quantity: '4', unitPrice: '183.05', fee: '3.98638', currency: 'USD' },
    ]);
  });

  it('reads a Schwab export: dollar amounts, "as of" dates, the title and total lines', () => {
    const { preset, rows } = read('schwab.csv');
    expect(preset).toBe('schwab');
    expect(rows.map(brief)).toEqual([
      { row: 3, type: 'BUY', date: '2024-03-15', symbol: 'AAPL', quantity: '10', unitPrice: '172.5', currency: 'USD' },
      { row: 4, type: 'SELL', date: '2024-03-18', symbol: 'AAPL', quantity: '4', unitPrice: '173.72', fee: '0.02', currency: 'USD' },
      { row: 5, type: 'DIVIDEND', date: '2024-02-16', symbol: 'AAPL', amount: '2.4', currency: 'USD' },
      { row: 6, type: 'TAX', date: '2024-02-16', symbol: 'AAPL', amount: '0.36', currency: 'USD' },
      { row: 7, type: 'INTEREST', date: '2024-01-31', amount: '1.07', currency: 'USD' },
      { row: 8, type: 'DEPOSIT', date: '2024-01-02', amount: '5000', currency: 'USD' },
      { row: 9, type: 'FEE', date: '2024-01-25', symbol: 'IBN', amount: '0.5', currency: 'USD' },
      { row: 10, skip: 'a corporate action: record it yourself (a SPLIT with its ratio, or a transfer)', date: '2024-07-15', symbol: 'AVGO', currency: 'USD' },
    ]);
  });

  it('reads a Fidelity history between its blank lines and its disclaimer', () => {
    const { preset, rows } = read('fidelity.csv');
    expect(preset).toBe('fidelity');
    expect(rows.map(brief)).toEqual([
      { row: 4, type: 'SELL', date: '2024-03-18', symbol: 'AAPL', quantity: '4', unitPrice: '173.72', fee: '0.03', currency: 'USD' },
      { row: 5, type: 'BUY', date: '2024-03-15', symbol: 'AAPL', quantity: '10', unitPrice: '172.5', currency: 'USD' },
      { row: 6, type: 'DIVIDEND', date: '2024-03-01', symbol: 'SPAXX', amount: '4.12', currency: 'USD' },
      { row: 7, type: 'BUY', date: '2024-03-01', symbol: 'SPAXX', quantity: '4.12', unitPrice: '1', currency: 'USD' },
      { row: 8, type: 'DEPOSIT', date: '2024-02-20', amount: '5000', currency: 'USD' },
      { row: 9, skip: 'unrecognised action "JOURNALED GOODWILL (Cash)": not imported', date: '2024-03-19', currency: 'USD' },
    ]);
  });

  it('maps any CSV with a column mapping, type labels, a day-first date format and decimal commas', () => {
    const text = 'Buchungstag;Vorgang;Wertpapier;Stück;Kurs;Gebühren;Betrag\n01.03.2024;Kauf;SAP;10;180,50;4,90;\n05.03.2024;Ausschüttung;SAP;;;;12,30\n06.03.2024;Tausch;SAP;1;1;;\n';
    const records = parseCsv(text);
    const preset = choosePreset('generic', records);
    const rows = preset.read(records, {
      absoluteValues: false,
      decimalSeparator: ',',
      mapping: { date: 'Buchungstag', type: 'Vorgang', symbol: 'Wertpapier', quantity: 'Stück', unitPrice: 'Kurs', fee: 'Gebühren', amount: 'Betrag' },
      typeMap: { Kauf: 'BUY', Ausschüttung: 'DIVIDEND' },
    });
    expect(rows.map(brief)).toEqual([
      { row: 2, type: 'BUY', date: '2024-03-01', symbol: 'SAP', quantity: '10', unitPrice: '180.5', fee: '4.9' },
      { row: 3, type: 'DIVIDEND', date: '2024-03-05', symbol: 'SAP', amount: '12.3' },
      {
        row: 4,
        date: '2024-03-06',
        symbol: 'SAP',
        quantity: '1',
        unitPrice: '1',
        errors: [{ row: 4, field: 'type', message: 'unknown type "Tausch": map it with typeMap (e.g. {"typeMap": {"Tausch": "BUY"}})' }],
      },
    ]);
  });

  it('refuses a file whose date and type columns it cannot find, listing the columns it saw', () => {
    const records = parseCsv('when,what\n2024-01-01,BUY\n');
    expect(() => choosePreset('auto', records).read(records, { absoluteValues: false })).toThrow(/cannot tell which column holds the date/);
  });
});

describe('JSON exports', () => {
  it('reads a Ghostfolio export: local-midnight instants as days, dividends as amounts, pence as pounds, liabilities skipped', () => {
    const file = readJsonFile(JSON.parse(fixture('ghostfolio.json')), 'auto');
    expect(file.format).toBe('ghostfolio');
    expect(file.accounts.map((a) => [a.ref.slice(-1), a.name, a.currency])).toEqual([
      ['1', 'Ghost Broker', 'USD'],
      ['2', 'Euro Depot', 'EUR'],
    ]);
    expect(file.candidates.map(brief)).toEqual([
      { row: 1, type: 'BUY', date: '2024-03-15', symbol: 'AAPL', quantity: '10', unitPrice: '172.5', fee: '1', currency: 'USD', account: '7c1f0d2e-1111-4a4a-9c9c-000000000001' },
      { row: 2, type: 'SELL', date: '2024-03-20', symbol: 'AAPL', quantity: '4', unitPrice: '180.05', fee: '0.5', currency: 'USD', account: '7c1f0d2e-1111-4a4a-9c9c-000000000001' },
      { row: 3, type: 'DIVIDEND', date: '2023-10-05', symbol: 'VGSH', amount: '2.169332124', fee: '0.33', currency: 'USD', account: '7c1f0d2e-1111-4a4a-9c9c-000000000001' },
      { row: 4, type: 'BUY', date: '2024-02-02', symbol: 'AV.L', quantity: '3', unitPrice: '4.96', fee: '0', currency: 'GBP', account: '7c1f0d2e-1111-4a4a-9c9c-000000000002' },
      { row: 5, type: 'FEE', date: '2024-02-01', amount: '2.5', currency: 'EUR', account: '7c1f0d2e-1111-4a4a-9c9c-000000000002' },
      { row: 6, type: 'INTEREST', date: '2024-02-01', amount: '3.21', fee: '0', currency: 'EUR', account: '7c1f0d2e-1111-4a4a-9c9c-000000000002' },
      { row: 7, skip: 'liabilities are not supported yet', date: '2024-01-01', symbol: 'Car loan', currency: 'USD', account: '7c1f0d2e-1111-4a4a-9c9c-000000000001' },
    ]);
  });

  it('turns Ghostfolio instants into the day they were entered on, east or west of Greenwich', () => {
    expect(ghostfolioDay('2023-10-04T23:00:00.000Z')).toBe('2023-10-05'); // UTC+1
    expect(ghostfolioDay('2023-10-04T14:00:00.000Z')).toBe('2023-10-05'); // UTC+10
    expect(ghostfolioDay('2023-10-05T05:00:00.000Z')).toBe('2023-10-05'); // UTC-5
    expect(ghostfolioDay('2023-10-05')).toBe('2023-10-05');
  });

  it('refuses JSON that is neither export, saying why', () => {
    expect(() => readJsonFile({ rows: [] }, 'auto')).toThrow(/not a Ghostfolio export/);
  });
});
