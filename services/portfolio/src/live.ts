import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, bearerToken, type App, type Logger, type TokenVerifier } from '@meridian/platform';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PortfolioEngine, UpdateReason, UserView } from './engine.js';

const PING_MS = 30_000;

/** Close codes a client acts on: 4001 sign in again (the token expired), 4003 not allowed. */
export const CLOSE_TOKEN_EXPIRED = 4001;
export const CLOSE_FORBIDDEN = 4003;

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function tokenOf(request: IncomingMessage): string | undefined {
  const fromHeader = bearerToken(request.headers.authorization);
  if (fromHeader) return fromHeader;
  const q = request.url?.indexOf('?') ?? -1;
  if (q === -1) return undefined;
  return new URLSearchParams(request.url!.slice(q + 1)).get('access_token') ?? undefined;
}

/**
 * `GET /live` upgraded to a WebSocket: a `snapshot` message with the summary at once, then an
 * `update` after every change to the user's portfolio (an activity, an account, new prices,
 * settings), each carrying the version it reflects. The token comes from the Authorization
 * header (the gateway's) or `access_token` in the URL (a browser straight to the service);
 * the socket closes with 4001 when it expires. The server pings every 30 s.
 */
export function registerLive(app: App, deps: { engine: PortfolioEngine; verifier: TokenVerifier; logger: Logger; summary: (view: UserView) => string }): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const { engine, logger } = deps;

  const message = (type: 'snapshot' | 'update', view: UserView, reason: UpdateReason | null) =>
    `{"type":"${type}","version":${view.version},"reason":${JSON.stringify(reason)},"summary":${deps.summary(view)}}`;

  const serve = async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const token = tokenOf(request);
    if (!token) return refuse(socket, 401, 'unauthorized', 'missing bearer token');
    let user;
    try {
      user = await deps.verifier.verify(token);
    } catch (err) {
      const msg = err instanceof AppError ? err.message : 'invalid token';
      return refuse(socket, 401, 'invalid_token', msg);
    }
    if (!user.scopes.includes('read')) return refuse(socket, 403, 'forbidden', 'this token lacks the "read" scope');
    const view = await engine.view(user.userId, token);
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      let queued: UpdateReason | null = null;
      const send = (v: UserView, reason: UpdateReason) => {
        // Changes within one turn of the event loop (a batch of prices) go out as one message.
        if (queued) return;
        queued = reason;
        setImmediate(() => {
          queued = null;
          if (ws.readyState === ws.OPEN) ws.send(message('update', engine.peek(v.userId) ?? v, reason));
        });
      };
      const stop = engine.listen(user.userId, send);
      const ping = setInterval(() => ws.ping(), PING_MS);
      ping.unref();
      const expiry = setTimeout(() => ws.close(CLOSE_TOKEN_EXPIRED, 'token expired'), Math.max(0, user.expiresAt * 1000 - Date.now()));
      expiry.unref();
      ws.on('close', () => {
        stop();
        clearInterval(ping);
        clearTimeout(expiry);
      });
      ws.on('error', (err) => logger.debug({ err }, 'live socket error'));
      ws.send(message('snapshot', view, null));
    });
  };

  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = request.url?.split('?', 1)[0];
    if (path !== '/live') return refuse(socket, 404, 'not_found', `no WebSocket at ${path}`);
    serve(request, socket, head).catch((err: unknown) => {
      logger.warn({ err }, 'live socket refused');
      if (!socket.destroyed) refuse(socket, 503, 'unavailable', 'could not load the portfolio');
    });
  });
  app.addHook('onClose', async () => {
    for (const ws of wss.clients) ws.close(1001, 'server shutting down');
    wss.close();
  });
}
