import type { PriceSource } from '@meridian/contracts';
import { createMemoryStore } from '@meridian/platform';
import { testLogger } from '@meridian/platform/testing';
import { describe, expect, it } from 'vitest';
import { CALENDARS } from '../market-hours.js';
import { createProviderChain, type ChainMember } from './chain.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import { createRateLimiter, type RateLimit } from './rate-limit.js';
import { ProviderError, type InstrumentRef, type MarketDataProvider, type ProviderBar, type ProviderQuote } from './types.js';

const NOW = new Date('2026-01-09T18:00:00Z');
const aapl: InstrumentRef = { symbol: 'AAPL', type: 'EQUITY', currency: 'USD', exchange: 'NMS', providerIds: {} };
const context = (references: Array<{ date: string; close: string }> = []) => () => ({ type: 'EQUITY' as const, calendar: CALENDARS.XNYS, now: NOW, references });

/** A provider whose answers the test scripts: a price, or an error to throw. */
function scripted(name: string, source: PriceSource, answer: () => number | Error, history: () => ProviderBar[] | Error = () => []) {
  const calls = { quotes: 0, history: 0 };
  const provider: MarketDataProvider = {
    name,
    source,
    simulated: false,
    supports: () => true,
    async quotes(refs) {
      calls.quotes += 1;
      const a = answer();
      if (a instanceof Error) throw a;
      return new Map(refs.map((r): [string, ProviderQuote] => [r.symbol, { price: a, currency: 'USD', asOf: new Date('2026-01-09T17:59:00Z') }]));
    },
    async history() {
      calls.history += 1;
      const h = history();
      if (h instanceof Error) throw h;
      return h;
    },
  };
  return { provider, calls };
}

function chainOf(providers: MarketDataProvider[], options: { limits?: Record<string, RateLimit> } = {}) {
  let now = 0;
  const cache = createMemoryStore();
  const members: ChainMember[] = providers.map((provider) => ({
    provider,
    breaker: createCircuitBreaker({ failureThreshold: 3, cooldownMs: 30_000, maxCooldownMs: 600_000, now: () => now }),
    limiter: createRateLimiter(cache, provider.name, options.limits?.[provider.name] ?? {}),
  }));
  const chain = createProviderChain(members, { logger: testLogger() });
  return { chain, members, advance: (ms: number) => (now += ms) };
}

const down = () => new ProviderError('x', 'unavailable', 'connection refused');

describe('the provider chain', () => {
  it('falls back to the next provider when the first fails, and records where the price came from', async () => {
    const yahoo = scripted('yahoo', 'YAHOO', down);
    const av = scripted('alphavantage', 'ALPHA_VANTAGE', () => 101.5);
    const { chain } = chainOf([yahoo.provider, av.provider]);
    const { accepted, failures } = await chain.quotes([aapl], context());
    expect(accepted.get('AAPL')).toMatchObject({ price: '101.5', source: 'ALPHA_VANTAGE', simulated: false, confirmedBy: null });
    expect(failures.get('AAPL')?.[0]).toMatch(/yahoo: .*connection refused/);
  });

  it('opens a provider’s circuit after repeated failures and stops calling it', async () => {
    const yahoo = scripted('yahoo', 'YAHOO', down);
    const av = scripted('alphavantage', 'ALPHA_VANTAGE', () => 100);
    const { chain } = chainOf([yahoo.provider, av.provider]);
    for (let i = 0; i < 5; i++) await chain.quotes([aapl], context());
    expect(yahoo.calls.quotes).toBe(3);
    expect(av.calls.quotes).toBe(5);
    expect(chain.status().find((s) => s.name === 'yahoo')?.circuit).toBe('open');
  });

  it('half-opens after the cooldown, probes once, and closes when the probe succeeds', async () => {
    let healthy = false;
    const yahoo = scripted('yahoo', 'YAHOO', () => (healthy ? 100 : down()));
    const av = scripted('alphavantage', 'ALPHA_VANTAGE', () => 100);
    const { chain, advance } = chainOf([yahoo.provider, av.provider]);
    for (let i = 0; i < 3; i++) await chain.quotes([aapl], context());
    advance(30_000);
    expect(chain.status()[0]?.circuit).toBe('half_open');
    // The probe fails: open again, for twice as long.
    await chain.quotes([aapl], context());
    expect(yahoo.calls.quotes).toBe(4);
    advance(30_000);
    await chain.quotes([aapl], context());
    expect(yahoo.calls.quotes).toBe(4);
    advance(30_000);
    healthy = true;
    const { accepted } = await chain.quotes([aapl], context());
    expect(yahoo.calls.quotes).toBe(5);
    expect(accepted.get('AAPL')?.source).toBe('YAHOO');
    expect(chain.status()[0]?.circuit).toBe('closed');
  });

  it('skips a provider whose request budget is spent, and one that answered 429 until its Retry-After', async () => {
    const yahoo = scripted('yahoo', 'YAHOO', () => 100);
    const av = scripted('alphavantage', 'ALPHA_VANTAGE', () => 100);
    const { chain } = chainOf([av.provider, yahoo.provider], { limits: { alphavantage: { perMinute: 2 } } });
    for (let i = 0; i < 4; i++) await chain.quotes([aapl], context());
    expect(av.calls.quotes).toBe(2);
    expect(yahoo.calls.quotes).toBe(2);

    const limited = scripted('coingecko', 'COINGECKO', () => new ProviderError('coingecko', 'rate_limited', '429', { retryAfterMs: 60_000 }));
    const other = chainOf([limited.provider, yahoo.provider]);
    await other.chain.quotes([aapl], context());
    await other.chain.quotes([aapl], context());
    expect(limited.calls.quotes).toBe(1);
  });

  it('rejects an insane price and takes the next provider’s', async () => {
    const yahoo = scripted('yahoo', 'YAHOO', () => -1);
    const av = scripted('alphavantage', 'ALPHA_VANTAGE', () => 99.9);
    const { chain } = chainOf([yahoo.provider, av.provider]);
    const { accepted, failures } = await chain.quotes([aapl], context());
    expect(accepted.get('AAPL')).toMatchObject({ price: '99.9', source: 'ALPHA_VANTAGE' });
    expect(failures.get('AAPL')).toEqual(['yahoo: non_positive (price -1)']);
  });

  it('accepts a jump that a second source confirms, and records the confirmation', async () => {
    const yahoo = scripted('yahoo', 'YAHOO', () => 50);
    const av = scripted('alphavantage', 'ALPHA_VANTAGE', () => 50.4);
    const { chain } = chainOf([yahoo.provider, av.provider]);
    const { accepted } = await chain.quotes([aapl], context([{ date: '2026-01-08', close: '100' }]));
    expect(accepted.get('AAPL')).toMatchObject({ price: '50', source: 'YAHOO', confirmedBy: 'ALPHA_VANTAGE' });
  });

  it('prefers the second source’s sane price when it contradicts the first source’s jump', async () => {
    const yahoo = scripted('yahoo', 'YAHOO', () => 10_000);
    const av = scripted('alphavantage', 'ALPHA_VANTAGE', () => 101);
    const { chain } = chainOf([yahoo.provider, av.provider]);
    const { accepted } = await chain.quotes([aapl], context([{ date: '2026-01-08', close: '100' }]));
    expect(accepted.get('AAPL')).toMatchObject({ price: '101', source: 'ALPHA_VANTAGE', confirmedBy: null });
  });

  it('holds back a jump no second source can confirm', async () => {
    const yahoo = scripted('yahoo', 'YAHOO', () => 10_000);
    const { chain } = chainOf([yahoo.provider]);
    const { accepted, unconfirmed } = await chain.quotes([aapl], context([{ date: '2026-01-08', close: '100' }]));
    expect(accepted.size).toBe(0);
    expect(unconfirmed.get('AAPL')).toMatchObject({ price: '10000', source: 'YAHOO' });
  });

  it('refuses a quote in another currency than the instrument’s', async () => {
    const yahoo = scripted('yahoo', 'YAHOO', () => 100);
    const { chain } = chainOf([yahoo.provider]);
    const { accepted, failures } = await chain.quotes([{ ...aapl, currency: 'EUR' }], context());
    expect(accepted.size).toBe(0);
    expect(failures.get('AAPL')?.[0]).toMatch(/quoted in USD, not EUR/);
  });

  it('takes history from the next provider when the first has none, cleaned and in range', async () => {
    const yahoo = scripted('yahoo', 'YAHOO', () => 1, () => []);
    const av = scripted('alphavantage', 'ALPHA_VANTAGE', () => 1, () => [
      { date: '2026-01-07', close: '103.10' },
      { date: '2026-01-05', close: '101.00' },
      { date: '2026-01-06', close: 'NaN' },
      { date: '2026-01-02', close: '99.00' },
    ]);
    const { chain } = chainOf([yahoo.provider, av.provider]);
    const outcome = await chain.history(aapl, '2026-01-05', '2026-01-09', '2026-01-09');
    expect(outcome).toMatchObject({ source: 'ALPHA_VANTAGE', simulated: false, failures: ['yahoo: no data in range'] });
    expect(outcome.points).toEqual([
      { date: '2026-01-05', close: '101' },
      { date: '2026-01-07', close: '103.1' },
    ]);
  });
});
