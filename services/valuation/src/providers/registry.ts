import type { KeyValueStore, Logger } from '@meridian/platform';
import type { Registry } from 'prom-client';
import type { ProviderName, ValuationSettings } from '../config.js';
import { createAlpacaProvider } from './alpaca.js';
import { createAlphaVantageProvider } from './alphavantage.js';
import { createProviderChain, type ChainMember, type ProviderChain } from './chain.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import { createCoinGeckoProvider } from './coingecko.js';
import { createFrankfurterProvider } from './frankfurter.js';
import type { HttpClient } from './http.js';
import { createRateLimiter } from './rate-limit.js';
import { createSimulatedProvider } from './simulated.js';
import type { MarketDataProvider } from './types.js';
import { createYahooProvider } from './yahoo.js';

export function createProvider(name: ProviderName, settings: ValuationSettings, http: HttpClient, clock: () => Date): MarketDataProvider {
  switch (name) {
    case 'simulated':
      return createSimulatedProvider(clock);
    case 'yahoo':
      return createYahooProvider({ baseUrl: settings.yahoo.baseUrl, http, clock });
    case 'coingecko':
      return createCoinGeckoProvider({ ...settings.coingecko, http, clock });
    case 'frankfurter':
      return createFrankfurterProvider({ baseUrl: settings.frankfurter.baseUrl, http });
    case 'alpaca': {
      const { keyId, secret, baseUrl, feed } = settings.alpaca;
      if (!keyId || !secret) throw new Error('alpaca needs MERIDIAN_ALPACA_KEY_ID and MERIDIAN_ALPACA_SECRET');
      return createAlpacaProvider({ baseUrl, keyId, secret, feed, http });
    }
    case 'alphavantage': {
      const { apiKey, baseUrl } = settings.alphavantage;
      if (!apiKey) throw new Error('alphavantage needs MERIDIAN_ALPHAVANTAGE_KEY');
      return createAlphaVantageProvider({ baseUrl, apiKey, http, clock });
    }
  }
}

/** Wraps providers (in priority order) with a circuit breaker and a shared request budget each. */
export function chainMembers(
  providers: MarketDataProvider[],
  options: { settings: ValuationSettings; cache: KeyValueStore; now?: () => number },
): ChainMember[] {
  const now = options.now ?? Date.now;
  return providers.map((provider) => ({
    provider,
    breaker: createCircuitBreaker({ ...options.settings.breaker, now }),
    limiter: createRateLimiter(options.cache, provider.name, options.settings.rateLimits[provider.name as ProviderName] ?? {}),
  }));
}

export function buildProviderChain(options: {
  settings: ValuationSettings;
  http: HttpClient;
  cache: KeyValueStore;
  clock: () => Date;
  logger: Logger;
  metrics?: Registry;
  /** Replaces the configured providers (tests). */
  providers?: MarketDataProvider[];
}): ProviderChain {
  const providers = options.providers ?? options.settings.providers.map((name) => createProvider(name, options.settings, options.http, options.clock));
  const members = chainMembers(providers, { ...options, now: () => options.clock().getTime() });
  return createProviderChain(members, { logger: options.logger, ...(options.metrics ? { metrics: options.metrics } : {}) });
}
