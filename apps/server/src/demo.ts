import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from '@meridian/platform';

/** Where the demo's credentials are kept (the data dir is the user's own). */
const MARKER = 'demo.json';
export const DEMO_EMAIL = 'demo@example.com';

export interface DemoCredentials {
  email: string;
  password: string;
}

interface Marker extends DemoCredentials {
  /** seeding: nothing made yet; registered: the user exists, the portfolio may be half made; done. */
  state: 'seeding' | 'registered' | 'done';
}

type Json = Record<string, unknown>;

/** A small client for the platform's public API, as any script would use it. */
function api(base: string) {
  let token: string | undefined;
  const call = async <T = Json>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  return {
    call,
    setToken(t: string) {
      token = t;
    },
  };
}

/** Deterministic pseudo-random numbers, so every demo tells the same story. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function addMonths(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
}

/** Daily closes of a symbol as `[date, close]`, ascending. */
type Closes = [string, number][];

/** The first close on or after `day` (a trade happens on a trading day), or undefined. */
function closeOnOrAfter(closes: Closes, day: string): [string, number] | undefined {
  return closes.find(([d]) => d >= day);
}

interface Planned {
  account: 'us' | 'eu' | 'uk' | 'home';
  body: Json;
}

/**
 * Seeds the demo user once per data dir, through the public API: a realistic five-year
 * portfolio on the simulated market. A US broker in USD (monthly deposits, an ETF bought
 * quarterly, stocks, dividends with withholding tax, a 10:1 split, a partial sale, trade
 * fees), a European broker in EUR (average cost), a UK savings account in GBP (interest, a
 * withdrawal, a transfer converted into the US broker's dollars) and a flat valued by hand
 * (a manual instrument). Credentials come from {@link demoCredentials}. Resolves true when
 * it seeded, false when the data dir already had the demo.
 */
export async function seedDemo(baseUrl: string, dataDir: string, logger: Logger, today = new Date().toISOString().slice(0, 10)): Promise<boolean> {
  const markerPath = resolve(dataDir, MARKER);
  const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as Marker;
  if (marker.state === 'done') return false;
  const client = api(baseUrl);
  const credentials = { email: marker.email, password: marker.password };
  const save = (state: Marker['state']) => writeFileSync(markerPath, JSON.stringify({ ...credentials, state } satisfies Marker), { mode: 0o600 });
  if (marker.state === 'registered') {
    // An interrupted seed starts over: the half-made demo user goes first.
    const previous = await client.call<{ accessToken: string }>('POST', '/api/auth/login', credentials);
    client.setToken(previous.accessToken);
    await client.call('DELETE', '/api/auth/me', { password: credentials.password });
    save('seeding');
  }
  const started = performance.now();
  await client.call('POST', '/api/auth/register', credentials);
  save('registered');
  const login = await client.call<{ accessToken: string }>('POST', '/api/auth/login', credentials);
  client.setToken(login.accessToken);
  const count = await seedPortfolio(client.call, today);
  save('done');
  logger.info({ activities: count, ms: Math.round(performance.now() - started) }, 'demo portfolio seeded');
  return true;
}

/** The demo's credentials for this data dir, made (and kept) the first time. */
export function demoCredentials(dataDir: string): DemoCredentials {
  const markerPath = resolve(dataDir, MARKER);
  if (existsSync(markerPath)) {
    const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as Marker;
    return { email: marker.email, password: marker.password };
  }
  const credentials: DemoCredentials = { email: DEMO_EMAIL, password: `harbour-${randomBytes(6).toString('hex')}-lantern` };
  writeFileSync(markerPath, JSON.stringify({ ...credentials, state: 'seeding' } satisfies Marker), { mode: 0o600 });
  return credentials;
}

type Call = ReturnType<typeof api>['call'];

async function seedPortfolio(call: Call, today: string): Promise<number> {
  const start = addMonths(today, -60);
  const random = rng(20_211_124);
  const account = async (body: Json) => (await call<{ id: string }>('POST', '/api/transactions/accounts', body)).id;
  const ids = {
    us: await account({ name: 'Interactive Brokers', currency: 'USD', type: 'BROKERAGE', institution: 'Interactive Brokers', trackCash: true, costBasisMethod: 'FIFO' }),
    eu: await account({ name: 'Trade Republic', currency: 'EUR', type: 'BROKERAGE', institution: 'Trade Republic', trackCash: true, costBasisMethod: 'AVERAGE' }),
    uk: await account({ name: 'Barclays Savings', currency: 'GBP', type: 'BANK', institution: 'Barclays', trackCash: true, costBasisMethod: 'FIFO' }),
    home: await account({ name: 'Home', currency: 'EUR', type: 'REAL_ESTATE', trackCash: false, costBasisMethod: 'FIFO' }),
  };

  // Market history of what the demo trades (tracking it also backfills it for the portfolio).
  const symbols = { VTI: 'USD', AAPL: 'USD', MSFT: 'USD', NVDA: 'USD', KO: 'USD', 'SAP.DE': 'EUR', 'ASML.AS': 'EUR' } as const;
  const closes = new Map<string, Closes>();
  await Promise.all(
    Object.entries(symbols).map(async ([symbol, currency]) => {
      await call('POST', `/api/valuation/instruments/${symbol}/track`, { currency });
      const h = await call<{ prices: { date: string; close: string }[] }>('GET', `/api/valuation/instruments/${symbol}/history?from=${addDays(start, -10)}&to=${today}`);
      closes.set(symbol, h.prices.map((p) => [p.date, Number(p.close)]));
    }),
  );
  const gbpUsd = (await call<{ rates: { date: string; rate: string }[] }>('GET', `/api/valuation/fx?base=GBP&quote=USD&from=${addDays(start, -10)}&to=${today}`)).rates.map(
    (r) => [r.date, Number(r.rate)] as [string, number],
  );

  // The flat: a manual instrument with a yearly valuation.
  await call('POST', '/api/valuation/instruments', { symbol: 'LISBON-FLAT', name: 'Flat in Lisbon', currency: 'EUR', type: 'REAL_ESTATE', dataSource: 'MANUAL', country: 'PT', sector: 'Residential' });
  const flatPrices = [320_000, 334_500, 351_000, 369_800, 383_000, 397_500];
  await call(
    'PUT',
    '/api/valuation/instruments/LISBON-FLAT/prices',
    flatPrices
      .map((close, year) => ({ date: addMonths(addDays(start, 30), 12 * year), close: String(close) }))
      .filter((p) => p.date <= today),
  );

  const plan: Planned[] = [];
  const cash = { us: 0, eu: 0, uk: 0 };
  const held: Record<string, number> = {};
  const fixed = (x: number, digits = 2) => x.toFixed(digits);
  const buy = (acc: 'us' | 'eu', symbol: string, day: string, budget: number, fee: number) => {
    const bar = closeOnOrAfter(closes.get(symbol)!, day);
    if (!bar || bar[0] > today) return;
    const [date, price] = bar;
    const quantity = Math.floor((Math.min(budget, cash[acc] - fee) / price) * 1000) / 1000;
    if (quantity <= 0) return;
    const currency = symbols[symbol as keyof typeof symbols];
    const unitPrice = Number(price.toFixed(2));
    cash[acc] -= quantity * unitPrice + fee;
    held[symbol] = (held[symbol] ?? 0) + quantity;
    plan.push({ account: acc, body: { type: 'BUY', date, symbol, quantity: fixed(quantity, 3), unitPrice: fixed(unitPrice), fee: fixed(fee), currency } });
  };
  const dividend = (acc: 'us' | 'eu', symbol: string, day: string, perShare: number, taxRate: number) => {
    const quantity = held[symbol] ?? 0;
    if (quantity <= 0 || day > today) return;
    const amount = Number((quantity * perShare).toFixed(2));
    if (amount <= 0) return;
    const tax = Number((amount * taxRate).toFixed(2));
    cash[acc] += amount - tax;
    plan.push({ account: acc, body: { type: 'DIVIDEND', date: day, symbol, amount: fixed(amount), tax: fixed(tax), currency: symbols[symbol as keyof typeof symbols] } });
  };

  // Opening balances.
  plan.push({ account: 'us', body: { type: 'DEPOSIT', date: start, amount: '15000.00', currency: 'USD' } });
  cash.us += 15_000;
  plan.push({ account: 'eu', body: { type: 'DEPOSIT', date: start, amount: '10000.00', currency: 'EUR' } });
  cash.eu += 10_000;
  plan.push({ account: 'uk', body: { type: 'DEPOSIT', date: start, amount: '20000.00', currency: 'GBP' } });
  cash.uk += 20_000;
  plan.push({ account: 'home', body: { type: 'BUY', date: addDays(start, 30), symbol: 'LISBON-FLAT', quantity: '1', unitPrice: '320000.00', fee: '11800.00', currency: 'EUR' } });

  buy('us', 'NVDA', addDays(start, 3), 3_000, 1);
  buy('us', 'AAPL', addDays(start, 3), 3_000, 1);
  buy('us', 'MSFT', addDays(start, 4), 3_000, 1);
  buy('us', 'KO', addDays(start, 4), 2_000, 1);
  buy('eu', 'SAP.DE', addDays(start, 5), 3_000, 1);
  buy('eu', 'ASML.AS', addDays(start, 5), 3_000, 1);

  let splitDone = false;
  let sold = false;
  let transferred = false;
  for (let m = 1; m < 60; m++) {
    const month = addMonths(start, m);
    if (month > today) break;
    // The NVDA split (10:1) on its day, before that day's trades.
    if (!splitDone && month >= '2024-06-10' && (held.NVDA ?? 0) > 0) {
      plan.push({ account: 'us', body: { type: 'SPLIT', date: '2024-06-10', symbol: 'NVDA', ratio: '10:1', currency: 'USD' } });
      held.NVDA = held.NVDA! * 10;
      splitDone = true;
    }
    plan.push({ account: 'us', body: { type: 'DEPOSIT', date: month, amount: '1500.00', currency: 'USD' } });
    cash.us += 1_500;
    plan.push({ account: 'eu', body: { type: 'DEPOSIT', date: month, amount: '400.00', currency: 'EUR' } });
    cash.eu += 400;
    const interest = Number(((cash.uk * (0.02 + 0.02 * random())) / 12).toFixed(2));
    plan.push({ account: 'uk', body: { type: 'INTEREST', date: addDays(month, 27), amount: fixed(interest), currency: 'GBP' } });
    cash.uk += interest;
    if (m % 3 === 0) {
      buy('us', 'VTI', addDays(month, 2), 3_500 + 1_000 * random(), 1);
      buy('eu', m % 6 === 0 ? 'SAP.DE' : 'ASML.AS', addDays(month, 3), 1_100, 1);
      dividend('us', 'KO', addDays(month, 14), 0.46 + 0.02 * Math.floor(m / 12), 0.15);
      dividend('us', 'VTI', addDays(month, 20), 0.8 + 0.04 * Math.floor(m / 12), 0.15);
      dividend('us', 'MSFT', addDays(month, 10), 0.62 + 0.06 * Math.floor(m / 12), 0.15);
    }
    if (m % 12 === 5) dividend('eu', 'SAP.DE', addDays(month, 8), 1.95 + 0.2 * Math.floor(m / 12), 0.26375);
    if (m % 6 === 1) buy('us', m % 12 === 1 ? 'MSFT' : 'AAPL', addDays(month, 6), 1_500, 1);
    // Two years in: half the Apple shares sold.
    if (!sold && m === 36 && (held.AAPL ?? 0) > 1) {
      const bar = closeOnOrAfter(closes.get('AAPL')!, addDays(month, 9));
      if (bar) {
        const quantity = Math.floor(held.AAPL! / 2);
        const unitPrice = Number(bar[1].toFixed(2));
        plan.push({ account: 'us', body: { type: 'SELL', date: bar[0], symbol: 'AAPL', quantity: String(quantity), unitPrice: fixed(unitPrice), fee: '1.00', currency: 'USD' } });
        held.AAPL! -= quantity;
        cash.us += quantity * unitPrice - 1;
        sold = true;
      }
    }
    if (m === 30) {
      plan.push({ account: 'uk', body: { type: 'WITHDRAWAL', date: addDays(month, 12), amount: '2500.00', currency: 'GBP' } });
      cash.uk -= 2_500;
    }
    // The custody fee the European broker charges once a year.
    if (m % 12 === 0) {
      plan.push({ account: 'eu', body: { type: 'FEE', date: addDays(month, 1), amount: '12.00', currency: 'EUR' } });
      cash.eu -= 12;
    }
    if (!transferred && m === 42) {
      const date = addDays(month, 4);
      const rate = gbpUsd.find(([d]) => d >= date)?.[1] ?? gbpUsd.at(-1)?.[1];
      if (rate) {
        plan.push({ account: 'uk', body: { transfer: true, toAccount: 'us', date, amount: '5000.00', currency: 'GBP', receivedAmount: fixed(5_000 * rate * 0.995), receivedCurrency: 'USD' } });
        cash.uk -= 5_000;
        cash.us += 5_000 * rate * 0.995;
        transferred = true;
      }
    }
  }

  // Activities go in by day, as a person would have entered them over the years.
  const order = (p: Planned) => `${String(p.body.date)}|${p.body.type === 'SPLIT' ? 0 : p.body.type === 'BUY' || p.body.type === 'SELL' ? 2 : 1}`;
  plan.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  for (const p of plan) {
    if (p.body.transfer) {
      const { transfer: _t, toAccount, ...rest } = p.body;
      await call('POST', '/api/transactions/transfers', { ...rest, fromAccountId: ids[p.account], toAccountId: ids[toAccount as 'us'] });
    } else {
      await call('POST', '/api/transactions/activities', { accountId: ids[p.account], ...p.body });
    }
  }
  return plan.length;
}
