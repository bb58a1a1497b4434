import type { PricePoint } from '@meridian/contracts';
import { randomHex, type KeyValueStore, type Logger } from '@meridian/platform';
import type { PortfolioEngine } from './engine.js';
import type { MarketCache } from './market.js';

const CHANNEL = 'portfolio:changes';

type Message =
  | { from: string; kind: 'user'; userId: string; version: number }
  | { from: string; kind: 'prices'; prices: PricePoint[]; ownerId?: string }
  | { from: string; kind: 'fx'; base: string; quote: string; rates: FxRate[] };

type FxRate = { date: string; rate: string; source: string; simulated: boolean };

/** Telling the other instances of the portfolio service what this one consumed. */
export interface Peers {
  changed(userId: string, version: number): void;
  prices(prices: PricePoint[], ownerId: string | undefined): void;
  fx(base: string, quote: string, rates: FxRate[]): void;
  close(): Promise<void>;
}

/**
 * With several instances, each event reaches one of them; the others hold portfolios (and
 * live sockets) that must change too. Each consumed change is broadcast on the shared store's
 * channel (Redis in the distributed mode, in-process when embedded): a user's new version, or
 * the prices themselves. A peer rebuilds a held portfolio once the version is committed in
 * the read model, and merges prices into its market cache. Best effort by design: a peer that
 * misses a message still catches up when a read compares its version with the read model.
 */
export async function connectPeers(store: KeyValueStore, engine: PortfolioEngine, market: MarketCache, logger: Logger): Promise<Peers> {
  const self = randomHex(8);
  const send = (message: Message) => {
    store.publish(CHANNEL, JSON.stringify(message)).catch((err: unknown) => logger.warn({ err }, 'could not tell peers of a change'));
  };
  const stop = await store.subscribe(CHANNEL, (raw) => {
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (message.from === self) return;
    if (message.kind === 'user') {
      engine.remoteChange(message.userId, message.version).catch((err: unknown) => logger.warn({ err }, 'could not apply a peer’s change'));
    } else if (message.kind === 'prices') {
      engine.pricesChanged(market.applyPrices(message.prices, message.ownerId));
    } else if (market.applyFx(message.base, message.quote, message.rates)) {
      engine.fxChanged(message.base, message.quote);
    }
  });
  return {
    changed: (userId, version) => send({ from: self, kind: 'user', userId, version }),
    prices: (prices, ownerId) => send({ from: self, kind: 'prices', prices, ...(ownerId ? { ownerId } : {}) }),
    fx: (base, quote, rates) => send({ from: self, kind: 'fx', base, quote, rates }),
    close: stop,
  };
}
