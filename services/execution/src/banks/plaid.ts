import type { BankAdapter } from './index.js';

export interface PlaidSettings {
  baseUrl: string;
  clientId: string;
  secret: string;
  accessToken: string;
  accountId: string;
}

/**
 * Plaid Transfer: `/transfer/authorization/create`, then `/transfer/create` with the
 * authorization; `/transfer/get` tells when it settled. A deposit is a `debit` of the user's
 * bank account, a withdrawal a `credit`.
 */
export function createPlaidBank(s: PlaidSettings): BankAdapter {
  const base = s.baseUrl.replace(/\/$/, '');
  async function post<T>(path: string, body: Record<string, unknown>): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: s.clientId, secret: s.secret, ...body }),
      signal: AbortSignal.timeout(10_000),
    });
    const json = (await res.json()) as T & { error_message?: string };
    if (res.status >= 400) throw new Error(`Plaid ${path}: ${json.error_message ?? res.status}`);
    return json;
  }
  return {
    name: 'plaid',
    async start(req) {
      const type = req.direction === 'deposit' ? 'debit' : 'credit';
      const auth = await post<{ authorization: { id: string; decision: string; decision_rationale: { description?: string } | null } }>('/transfer/authorization/create', {
        access_token: s.accessToken,
        account_id: s.accountId,
        type,
        network: 'ach',
        amount: req.amount,
        ach_class: 'ppd',
        user: { legal_name: 'Meridian user' },
        idempotency_key: req.transferId,
      });
      if (auth.authorization.decision !== 'approved') throw new Error(`Plaid declined the transfer: ${auth.authorization.decision_rationale?.description ?? auth.authorization.decision}`);
      const created = await post<{ transfer: { id: string; status: string } }>('/transfer/create', {
        access_token: s.accessToken,
        account_id: s.accountId,
        authorization_id: auth.authorization.id,
        description: req.direction === 'deposit' ? 'Deposit' : 'Withdraw',
        idempotency_key: req.transferId,
      });
      return { providerTransferId: created.transfer.id, settled: created.transfer.status === 'settled' };
    },
    async status(id) {
      const res = await post<{ transfer: { status: string; failure_reason: { description?: string } | null } }>('/transfer/get', { transfer_id: id });
      const st = res.transfer.status;
      if (st === 'settled' || st === 'funds_available') return { state: 'settled', reason: null };
      if (st === 'failed' || st === 'cancelled' || st === 'returned') return { state: 'failed', reason: res.transfer.failure_reason?.description ?? st };
      return { state: 'pending', reason: null };
    },
  };
}
