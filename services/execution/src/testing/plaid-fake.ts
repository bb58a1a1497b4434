import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PlaidAuthorization, PlaidError, PlaidTransfer } from '../banks/plaid.js';

/**
 * A local stand-in for Plaid Transfer (`/transfer/authorization/create`, `/transfer/create`,
 * `/transfer/get`) answering in Plaid's documented shapes, errors included
 * (`{error_type, error_code, error_message, display_message, request_id}`). Transfers start
 * `pending`; the test moves them on with `setStatus`. `failNext` makes the next call answer an error.
 */
export function startPlaidFake(options: { clientId: string; secret: string; accessToken: string; accountId: string }) {
  const authorizations = new Map<string, PlaidAuthorization & { amount: string; type: 'debit' | 'credit'; key: string }>();
  const transfers = new Map<string, PlaidTransfer & { key: string }>();
  const calls: Array<{ path: string; body: Record<string, unknown> }> = [];
  let failNext: { status: number; error: Omit<PlaidError, 'request_id'> } | undefined;
  let declineNext: { code: string; description: string } | undefined;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, e: Omit<PlaidError, 'request_id'>) => send(res, status, { ...e, request_id: randomUUID() });
  const read = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return JSON.parse(text || '{}') as Record<string, unknown>;
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await read(req);
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      calls.push({ path, body });
      if (req.method !== 'POST') return error(res, 405, { error_type: 'INVALID_REQUEST', error_code: 'INVALID_HTTP_METHOD', error_message: 'use POST', display_message: null });
      if (body.client_id !== options.clientId || body.secret !== options.secret) {
        return error(res, 400, { error_type: 'INVALID_INPUT', error_code: 'INVALID_API_KEYS', error_message: 'invalid client_id or secret provided', display_message: null });
      }
      if (failNext) {
        const f = failNext;
        failNext = undefined;
        return error(res, f.status, f.error);
      }
      const now = new Date().toISOString();
      if (path === '/transfer/authorization/create') {
        if (body.access_token !== options.accessToken) return error(res, 400, { error_type: 'INVALID_INPUT', error_code: 'INVALID_ACCESS_TOKEN', error_message: 'provided access token is in an invalid format', display_message: null });
        if (body.account_id !== options.accountId) return error(res, 400, { error_type: 'INVALID_INPUT', error_code: 'INVALID_ACCOUNT_ID', error_message: 'the account_id is not valid for this Item', display_message: null });
        if (typeof body.amount !== 'string' || !/^\d+\.\d{2}$/.test(body.amount)) {
          return error(res, 400, { error_type: 'INVALID_REQUEST', error_code: 'INVALID_FIELD', error_message: 'amount must be a decimal string with two digits after the point', display_message: null });
        }
        const key = typeof body.idempotency_key === 'string' ? body.idempotency_key : randomUUID();
        const again = [...authorizations.values()].find((a) => a.key === key);
        if (again) return send(res, 200, { authorization: again, request_id: randomUUID() });
        const decline = declineNext;
        declineNext = undefined;
        const auth = {
          id: randomUUID(), created: now, key, amount: body.amount, type: body.type === 'credit' ? ('credit' as const) : ('debit' as const),
          decision: decline ? ('declined' as const) : ('approved' as const), decision_rationale: decline ?? null,
        };
        authorizations.set(auth.id, auth);
        return send(res, 200, { authorization: { id: auth.id, created: auth.created, decision: auth.decision, decision_rationale: auth.decision_rationale, proposed_transfer: { type: auth.type, amount: auth.amount, network: 'ach', ach_class: 'ppd' } }, request_id: randomUUID() });
      }
      if (path === '/transfer/create') {
        const auth = authorizations.get(String(body.authorization_id));
        if (!auth) return error(res, 400, { error_type: 'TRANSFER_ERROR', error_code: 'TRANSFER_AUTHORIZATION_NOT_FOUND', error_message: 'the authorization was not found', display_message: null });
        if (auth.decision !== 'approved') return error(res, 400, { error_type: 'TRANSFER_ERROR', error_code: 'TRANSFER_NOT_AUTHORIZED', error_message: 'the authorization was declined', display_message: null });
        const key = typeof body.idempotency_key === 'string' ? body.idempotency_key : randomUUID();
        const again = [...transfers.values()].find((t) => t.key === key);
        if (again) return send(res, 200, { transfer: again, request_id: randomUUID() });
        const transfer = { id: randomUUID(), key, authorization_id: auth.id, type: auth.type, amount: auth.amount, status: 'pending' as const, failure_reason: null, created: now };
        transfers.set(transfer.id, transfer);
        return send(res, 200, { transfer, request_id: randomUUID() });
      }
      if (path === '/transfer/get') {
        const t = transfers.get(String(body.transfer_id));
        if (!t) return error(res, 400, { error_type: 'INVALID_INPUT', error_code: 'TRANSFER_NOT_FOUND', error_message: 'the transfer was not found', display_message: null });
        return send(res, 200, { transfer: t, request_id: randomUUID() });
      }
      return error(res, 404, { error_type: 'INVALID_REQUEST', error_code: 'UNKNOWN_ROUTE', error_message: `no route ${path}`, display_message: null });
    })();
  });
  return {
    calls,
    transfers,
    setStatus(id: string, status: PlaidTransfer['status'], failure: PlaidTransfer['failure_reason'] = null) {
      const t = transfers.get(id);
      if (!t) throw new Error(`no Plaid transfer ${id}`);
      Object.assign(t, { status, failure_reason: failure });
    },
    failNext(status: number, e: Omit<PlaidError, 'request_id'>) {
      failNext = { status, error: e };
    },
    declineNext(rationale: { code: string; description: string }) {
      declineNext = rationale;
    },
    async listen(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
