import type { Logger } from '@meridian/platform';
import WebSocket from 'ws';
import type { BrokerAccountState, BrokerAdapter, BrokerOrderRequest, BrokerOrderState } from '../types.js';
import { BrokerRejection } from '../types.js';
import { fromAlpacaOrder, type AlpacaOrder, type AlpacaTradeUpdate } from './alpaca.js';

export interface AlpacaCredentials {
  baseUrl: string;
  environment: 'paper' | 'live';
  keyId: string;
  secretKey: string;
}

const TIMEOUT_MS = 10_000;

/** Alpaca's Trading API v2 for one account's keys (paper or live, by base URL). */
export function createAlpacaBroker(creds: AlpacaCredentials): BrokerAdapter {
  const base = creds.baseUrl.replace(/\/$/, '');
  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T | undefined }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        'APCA-API-KEY-ID': creds.keyId,
        'APCA-API-SECRET-KEY': creds.secretKey,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as T) : undefined;
    if (res.status === 403 || res.status === 422 || res.status === 400) {
      const message = (parsed as { message?: string } | undefined)?.message ?? `Alpaca answered ${res.status}`;
      throw new BrokerRejection(message);
    }
    if (res.status >= 400 && res.status !== 404) throw new Error(`Alpaca answered ${res.status} to ${method} ${path}`);
    return { status: res.status, body: parsed };
  }
  const order = async (path: string): Promise<BrokerOrderState> => {
    const res = await call<AlpacaOrder>('GET', path);
    if (res.status === 404 || !res.body) throw new Error(`Alpaca does not know ${path}`);
    return fromAlpacaOrder(res.body);
  };

  return {
    name: 'alpaca',
    environment: creds.environment,
    async submit(o: BrokerOrderRequest) {
      const body = {
        symbol: o.symbol,
        side: o.side,
        type: o.type,
        time_in_force: o.timeInForce,
        client_order_id: o.clientOrderId,
        ...(o.quantity ? { qty: o.quantity } : {}),
        ...(o.notional ? { notional: o.notional } : {}),
        ...(o.limitPrice ? { limit_price: o.limitPrice } : {}),
        ...(o.stopPrice ? { stop_price: o.stopPrice } : {}),
        ...(o.trailPercent ? { trail_percent: o.trailPercent } : {}),
        ...(o.trailPrice ? { trail_price: o.trailPrice } : {}),
      };
      const res = await call<AlpacaOrder>('POST', '/v2/orders', body);
      if (!res.body) throw new Error('Alpaca answered an order without a body');
      return fromAlpacaOrder(res.body);
    },
    async cancel(brokerOrderId) {
      await call('DELETE', `/v2/orders/${encodeURIComponent(brokerOrderId)}`);
      return order(`/v2/orders/${encodeURIComponent(brokerOrderId)}`);
    },
    async replace(brokerOrderId, changes) {
      const res = await call<AlpacaOrder>('PATCH', `/v2/orders/${encodeURIComponent(brokerOrderId)}`, {
        time_in_force: changes.timeInForce,
        client_order_id: changes.clientOrderId,
        ...(changes.quantity ? { qty: changes.quantity } : {}),
        ...(changes.limitPrice ? { limit_price: changes.limitPrice } : {}),
        ...(changes.stopPrice ? { stop_price: changes.stopPrice } : {}),
        ...(changes.trailPercent || changes.trailPrice ? { trail: changes.trailPercent ?? changes.trailPrice } : {}),
      });
      if (!res.body) throw new Error('Alpaca answered a replacement without a body');
      return fromAlpacaOrder(res.body);
    },
    async findByClientOrderId(clientOrderId) {
      const res = await call<AlpacaOrder>('GET', `/v2/orders:by_client_order_id?client_order_id=${encodeURIComponent(clientOrderId)}`);
      return res.status === 404 || !res.body ? undefined : fromAlpacaOrder(res.body);
    },
    async account(): Promise<BrokerAccountState> {
      const acct = await call<{ cash: string; buying_power: string; equity: string; currency: string }>('GET', '/v2/account');
      const positions = await call<Array<{ symbol: string; qty: string; market_value: string }>>('GET', '/v2/positions');
      if (!acct.body) throw new Error('Alpaca answered no account');
      return {
        currency: acct.body.currency,
        cash: acct.body.cash,
        buyingPower: acct.body.buying_power,
        equity: acct.body.equity,
        positions: (positions.body ?? []).map((p) => ({ symbol: p.symbol, quantity: p.qty, marketValue: p.market_value })),
      };
    },
  };
}

/**
 * Listens to Alpaca's `trade_updates` stream for one account's keys: authenticates, subscribes,
 * hands every order update to `onUpdate`, and reconnects with back-off when the socket drops
 * (what it missed meanwhile is caught up by reconciliation).
 */
export function streamAlpacaTradeUpdates(
  creds: AlpacaCredentials,
  onUpdate: (update: AlpacaTradeUpdate) => Promise<void>,
  logger: Logger,
): { close(): Promise<void>; ready: Promise<void> } {
  const url = `${creds.baseUrl.replace(/\/$/, '').replace(/^http/, 'ws')}/stream`;
  let socket: WebSocket | undefined;
  let closed = false;
  let attempt = 0;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let chain = Promise.resolve();

  const connect = () => {
    if (closed) return;
    const ws = new WebSocket(url);
    socket = ws;
    ws.on('open', () => ws.send(JSON.stringify({ action: 'auth', key: creds.keyId, secret: creds.secretKey })));
    ws.on('message', (raw: WebSocket.RawData) => {
      let msg: { stream?: string; data?: { status?: string; streams?: string[] } & Partial<AlpacaTradeUpdate> };
      try {
        const bytes = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
        msg = JSON.parse(bytes.toString('utf8')) as typeof msg;
      } catch {
        logger.warn('alpaca stream: a message that is not JSON');
        return;
      }
      if (msg.stream === 'authorization') {
        if (msg.data?.status === 'authorized') ws.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
        else logger.error({ status: msg.data?.status }, 'alpaca stream: not authorized');
      } else if (msg.stream === 'listening') {
        attempt = 0;
        markReady();
      } else if (msg.stream === 'trade_updates' && msg.data?.order && msg.data.event) {
        const update = msg.data as AlpacaTradeUpdate;
        // Updates of one account are applied in the order they arrived.
        chain = chain.then(() => onUpdate(update)).catch((err: unknown) => logger.error({ err }, 'alpaca stream: applying an update failed'));
      }
    });
    ws.on('error', (err) => logger.warn({ err }, 'alpaca stream error'));
    ws.on('close', () => {
      if (closed) return;
      const delay = Math.min(30_000, 250 * 2 ** attempt++);
      setTimeout(connect, delay).unref();
    });
  };
  connect();
  return {
    ready,
    async close() {
      closed = true;
      socket?.close();
      await chain;
    },
  };
}
