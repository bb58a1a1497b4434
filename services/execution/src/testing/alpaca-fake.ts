import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AlpacaOrder } from '../brokers/alpaca/alpaca.js';

/**
 * A local stand-in for the Alpaca Trading API endpoints Meridian uses, answering in Alpaca's
 * documented shapes (orders, by_client_order_id, account, positions, the trade_updates stream).
 * Market orders fill at `price`; a duplicate client_order_id is refused with 422 as Alpaca does.
 */
export function startAlpacaFake(options: { keyId: string; secretKey: string; price: string }) {
  const orders = new Map<string, AlpacaOrder>();
  const posts: string[] = [];
  const sockets = new Set<WebSocket>();
  /** When set, POST /v2/orders records the order and then never answers (the caller crashes or times out). */
  let holdNextAnswer: ((order: AlpacaOrder) => void) | undefined;

  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const read = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return text ? (JSON.parse(text) as Record<string, string>) : {};
  };
  const push = (event: string, order: AlpacaOrder) => {
    const msg = JSON.stringify({ stream: 'trade_updates', data: { event, order, timestamp: order.updated_at } });
    for (const ws of sockets) ws.send(msg);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.headers['apca-api-key-id'] !== options.keyId || req.headers['apca-api-secret-key'] !== options.secretKey) return send(res, 401, { code: 40110000, message: 'request is not authorized' });
      const url = new URL(req.url ?? '/', 'http://fake');
      if (req.method === 'POST' && url.pathname === '/v2/orders') {
        const body = await read(req);
        const cid = body.client_order_id ?? randomUUID();
        posts.push(cid);
        if ([...orders.values()].some((o) => o.client_order_id === cid)) return send(res, 422, { code: 40010001, message: 'client_order_id must be unique' });
        const now = new Date().toISOString();
        const market = body.type === 'market';
        const order: AlpacaOrder = {
          id: randomUUID(), client_order_id: cid, created_at: now, updated_at: now, submitted_at: now, filled_at: market ? now : null,
          symbol: body.symbol ?? '', qty: body.qty ?? null, notional: body.notional ?? null,
          filled_qty: market ? (body.qty ?? '0') : '0', filled_avg_price: market ? options.price : null,
          type: body.type ?? 'market', order_type: body.type ?? 'market', side: body.side ?? 'buy', time_in_force: body.time_in_force ?? 'day',
          limit_price: body.limit_price ?? null, stop_price: body.stop_price ?? null, status: market ? 'filled' : 'new', replaced_by: null, replaces: null,
        };
        orders.set(order.id, order);
        if (holdNextAnswer) {
          const hold = holdNextAnswer;
          holdNextAnswer = undefined;
          hold(order);
          return; // never answers
        }
        push(market ? 'fill' : 'new', order);
        return send(res, 200, order);
      }
      if (req.method === 'GET' && url.pathname === '/v2/orders:by_client_order_id') {
        const o = [...orders.values()].find((x) => x.client_order_id === url.searchParams.get('client_order_id'));
        return o ? send(res, 200, o) : send(res, 404, { code: 40410000, message: 'order not found' });
      }
      const one = /^\/v2\/orders\/([^/]+)$/.exec(url.pathname);
      if (one) {
        const o = orders.get(one[1] ?? '');
        if (!o) return send(res, 404, { code: 40410000, message: 'order not found' });
        if (req.method === 'GET') return send(res, 200, o);
        if (req.method === 'DELETE') {
          if (o.status === 'filled') return send(res, 422, { code: 42210000, message: 'order is already in "filled" state' });
          Object.assign(o, { status: 'canceled', updated_at: new Date().toISOString() });
          push('canceled', o);
          return send(res, 204);
        }
      }
      if (req.method === 'GET' && url.pathname === '/v2/account') return send(res, 200, { id: randomUUID(), status: 'ACTIVE', currency: 'USD', cash: '100000', buying_power: '200000', equity: '100000', portfolio_value: '100000' });
      if (req.method === 'GET' && url.pathname === '/v2/positions') return send(res, 200, []);
      return send(res, 404, { code: 40410000, message: 'not found' });
    })();
  });
  const wss = new WebSocketServer({ server, path: '/stream' });
  wss.on('connection', (ws) => {
    ws.on('message', (raw) => {
      const msg = JSON.parse((Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer)).toString('utf8')) as { action: string; key?: string; secret?: string };
      if (msg.action === 'auth') {
        const ok = msg.key === options.keyId && msg.secret === options.secretKey;
        ws.send(JSON.stringify({ stream: 'authorization', data: { action: 'authenticate', status: ok ? 'authorized' : 'unauthorized' } }));
      } else if (msg.action === 'listen') {
        sockets.add(ws);
        ws.send(JSON.stringify({ stream: 'listening', data: { streams: ['trade_updates'] } }));
      }
    });
    ws.on('close', () => sockets.delete(ws));
  });
  return {
    orders,
    posts,
    /** Sockets subscribed to trade_updates. */
    listeners: () => sockets.size,
    /**
     * The broker fills more of an order: `filledQty` and `averagePrice` are cumulative, as
     * Alpaca reports them; pushes `partial_fill` or `fill` on the stream.
     */
    fill(clientOrderId: string, filledQty: string, averagePrice: string) {
      const o = [...orders.values()].find((x) => x.client_order_id === clientOrderId);
      if (!o) throw new Error(`no order ${clientOrderId}`);
      const done = Number(filledQty) >= Number(o.qty ?? '0');
      const now = new Date().toISOString();
      Object.assign(o, { filled_qty: filledQty, filled_avg_price: averagePrice, status: done ? 'filled' : 'partially_filled', updated_at: now, filled_at: done ? now : null });
      push(done ? 'fill' : 'partial_fill', o);
    },
    /** Sends an order's current state again (a duplicate delivery). */
    repeat(clientOrderId: string, event: string) {
      const o = [...orders.values()].find((x) => x.client_order_id === clientOrderId);
      if (o) push(event, o);
    },
    holdNextAnswer(fn: (order: AlpacaOrder) => void) {
      holdNextAnswer = fn;
    },
    async listen(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
