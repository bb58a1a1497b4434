import { describe, expect, it } from 'vitest';
import { attribution } from './attribution.js';
import { holdings } from './holdings.js';
import { performance } from './performance.js';
import { build, series } from './test/fixtures.js';

/*
 * Base EUR; a USD account that tracks cash; U quoted in USD. USD→EUR: 0.90 until 01-02,
 * 0.80 from 01-03 (carried forward).
 *
 *   01-02 DEPOSIT 1100 USD, BUY 10 U @ 100   USD 100 + U 1000 = 1100 USD × 0.9 = 990 EUR
 *   01-03 FX falls to 0.80                   1100 USD × 0.8 = 880 EUR
 *   01-04 U closes at 110                    (100 + 1100) × 0.8 = 960 EUR
 *
 * Inflow 990 EUR (at the day's rate). TWR 960/990 − 1 = −3.0303%. Gain −30 EUR =
 * price 10 × 10 × 0.8 = +80, currency (10 × 100 + 100 cash) × (0.8 − 0.9) = −110.
 * Exact: U is worth 1100 USD = 880 EUR against a cost of 1000 USD × 0.9 = 900 EUR.
 */
const fx = { USD: series(['2024-01-01', '0.90'], ['2024-01-03', '0.80']) };
const p = build({
  base: 'EUR',
  asOf: '2024-01-04',
  accounts: [{ id: 'acc', currency: 'USD', tracksCash: true }],
  instruments: [{ symbol: 'U', currency: 'USD' }],
  activities: [
    { date: '2024-01-02', type: 'DEPOSIT', amount: '1100' },
    { date: '2024-01-02', type: 'BUY', symbol: 'U', quantity: '10', unitPrice: '100' },
  ],
  prices: { U: series(['2024-01-02', '100'], ['2024-01-03', '100'], ['2024-01-04', '110']) },
  fx,
});

describe('multi-currency with FX moves', () => {
  it('values every day at that day’s FX rate', () => {
    const r = performance(p);
    expect(r.series.map((s) => s.value)).toEqual([0, 990, 880, 960]);
    expect(r.inflows).toBeCloseTo(990, 12);
    expect(r.twr).toBeCloseTo(960 / 990 - 1, 12);
    expect(r.absoluteGain).toBeCloseTo(-30, 9);
  });

  it('separates the price gain from the currency effect', () => {
    const a = attribution(p);
    expect(a.holdings[0]).toMatchObject({ symbol: 'U' });
    expect(a.holdings[0]!.priceGain).toBeCloseTo(80, 9);
    expect(a.holdings[0]!.currencyEffect).toBeCloseTo(-100, 9);
    expect(a.cash[0]!.currencyEffect).toBeCloseTo(-10, 9);
    expect(a.total.total).toBeCloseTo(-30, 9);
  });

  it('keeps the cost basis in base currency at the purchase rate', () => {
    const u = holdings(p).total.holdings[0]!;
    expect(u).toMatchObject({ value: '1100', valueBase: '880', costBasis: '1000', costBasisBase: '900', unrealisedGain: '-20' });
    expect(holdings(p).total.value).toBe('960');
  });

  it('counts a conversion between accounts at a poor rate as a currency loss', () => {
    /*
     * A EUR account deposits 1000 EUR (01-02) and sends 450 EUR that arrive as 500 USD
     * (01-03, rate 0.8: worth 400 EUR). Value 1000 → 550 + 400 = 950: TWR −5%, all of it
     * currency effect. For the USD account alone the 450 EUR sent are the inflow.
     */
    const q = build({
      base: 'EUR',
      asOf: '2024-01-04',
      accounts: [
        { id: 'eu', currency: 'EUR', tracksCash: true },
        { id: 'us', currency: 'USD', tracksCash: true },
      ],
      activities: [
        { accountId: 'eu', date: '2024-01-02', type: 'DEPOSIT', amount: '1000' },
        { accountId: 'eu', date: '2024-01-03', type: 'TRANSFER_OUT', amount: '450', transferId: 'x' },
        { accountId: 'us', date: '2024-01-03', type: 'TRANSFER_IN', amount: '500', transferId: 'x' },
      ],
      fx,
    });
    const r = performance(q);
    expect(r.series.map((s) => s.value)).toEqual([0, 1000, 950, 950]);
    expect(r.twr).toBeCloseTo(-0.05, 12);
    const a = attribution(q);
    expect(a.total.currencyEffect).toBeCloseTo(-50, 9);
    expect(a.total.total).toBeCloseTo(-50, 9);
    const us = performance(q, { filter: { accounts: ['us'] } });
    expect(us.inflows).toBe(450);
    expect(us.twr).toBeCloseTo(400 / 450 - 1, 12);
    expect(holdings(q).total.cash.map((c) => [c.currency, c.balance, c.valueBase])).toEqual([
      ['EUR', '550', '550'],
      ['USD', '500', '400'],
    ]);
  });

  it('uses an activity’s own FX rate for its cost basis', () => {
    const q = build({
      base: 'EUR',
      asOf: '2024-01-04',
      accounts: [{ id: 'acc', currency: 'USD', tracksCash: false }],
      activities: [{ date: '2024-01-02', type: 'BUY', symbol: 'U', quantity: '10', unitPrice: '100', currency: 'USD', fxRate: '0.91' }],
      instruments: [{ symbol: 'U', currency: 'USD' }],
      prices: { U: series(['2024-01-02', '100']) },
      fx,
    });
    expect(holdings(q).total.holdings[0]).toMatchObject({ costBasisBase: '910', valueBase: '800' });
  });

  it('pays for a foreign instrument from home-currency cash and still adds up', () => {
    /*
     * Buy 10 U (quoted in USD) paying 930 EUR from EUR cash on 01-02 (USD at 0.90: the
     * shares are worth 900 EUR at the close of 100 USD, so 30 EUR of spread), hold to 01-04
     * (close 110, USD at 0.80: 880 EUR). Value 1000 → 70 + 900 → 70 + 800 → 70 + 880.
     */
    const q = build({
      base: 'EUR',
      asOf: '2024-01-04',
      accounts: [{ id: 'acc', currency: 'EUR', tracksCash: true }],
      instruments: [{ symbol: 'U', currency: 'USD' }],
      activities: [
        { date: '2024-01-02', type: 'DEPOSIT', amount: '1000' },
        { date: '2024-01-02', type: 'BUY', symbol: 'U', quantity: '10', unitPrice: '93', currency: 'EUR' },
      ],
      prices: { U: series(['2024-01-02', '100'], ['2024-01-03', '100'], ['2024-01-04', '110']) },
      fx,
    });
    expect(performance(q).series.map((s) => s.value)).toEqual([0, 970, 870, 950]);
    const a = attribution(q);
    // Price: −30 (paid 930 EUR for 900 EUR of shares) + 10 × 10 USD × 0.8 = +80 → 50.
    expect(a.total.priceGain).toBeCloseTo(50, 9);
    expect(a.total.currencyEffect).toBeCloseTo(-100, 9);
    expect(a.total.total).toBeCloseTo(-50, 9);
    const u = holdings(q).total.holdings[0]!;
    // Cost in USD through the base currency: 930 EUR / 0.90.
    expect(u).toMatchObject({ costBasisBase: '930', valueBase: '880', unrealisedGain: '-50' });
    expect(Number(u.costBasis)).toBeCloseTo(930 / 0.9, 12);
  });
});
