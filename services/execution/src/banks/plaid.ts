import { Decimal } from '@meridian/finance';
import { AppError } from '@meridian/platform';
import type { BankAdapter } from './index.js';

export interface PlaidSettings {
  baseUrl: string;
  clientId: string;
  secret: string;
  accessToken: string;
  accountId: string;
}

/** Plaid's error body (https://plaid.com/docs/errors/), on any non-2xx answer. */
export interface PlaidError {
  error_type: string;
  error_code: string;
  error_message: string;
  display_message: string | null;
  request_id?: string;
}

/** Plaid's transfer object, the fields Meridian reads (/transfer/create, /transfer/get). */
export interface PlaidTransfer {
  id: string;
  authorization_id: string;
  type: 'debit' | 'credit';
  amount: string;
  status: 'pending' | 'posted' | 'settled' | 'funds_available' | 'failed' | 'cancelled' | 'returned';
  failure_reason: { ach_return_code?: string | null; description: string } | null;
  created: string;
}

export interface PlaidAuthorization {
  id: string;
  created: string;
  decision: 'approved' | 'declined' | 'user_action_required';
  decision_rationale: { code: string; description: string } | null;
}

/**
 * Errors the user (or the user's bank) can act on answer 422; the rest (a bad request or
 * credentials on Meridian's side, Plaid down or rate limiting) are the bank rail failing: 502.
 */
const USER_ERROR_TYPES = new Set(['ITEM_ERROR', 'TRANSFER_ERROR']);

function plaidFailure(path: string, status: number, body: Partial<PlaidError> | undefined): AppError {
  const code = body?.error_code ?? `HTTP_${status}`;
  const message = body?.display_message ?? body?.error_message ?? `status ${status}`;
  const details = { reason: 'bank_error', provider: 'plaid', providerCode: code, providerType: body?.error_type ?? null, requestId: body?.request_id ?? null };
  if (status < 500 && body?.error_type && USER_ERROR_TYPES.has(body.error_type)) {
    return new AppError('unprocessable', `the bank refused the transfer: ${message} (Plaid ${code})`, { details: { ...details, reason: 'bank_refused' } });
  }
  return new AppError('bad_gateway', `the bank transfer service failed: ${message} (Plaid ${code} on ${path})`, { details });
}

/**
 * Plaid Transfer: `/transfer/authorization/create`, then `/transfer/create` with the
 * authorization; `/transfer/get` tells when it settled. A deposit is a `debit` of the user's
 * bank account, a withdrawal a `credit`. The transfer id is the idempotency key of both calls,
 * so a retry never moves money twice.
 */
export function createPlaidBank(s: PlaidSettings): BankAdapter {
  const base = s.baseUrl.replace(/\/$/, '');
  async function post<T>(path: string, body: Record<string, unknown>): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: s.clientId, secret: s.secret, ...body }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new AppError('bad_gateway', `the bank transfer service (Plaid) could not be reached: ${err instanceof Error ? err.message : String(err)}`, { cause: err, details: { reason: 'bank_unreachable', provider: 'plaid' } });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) throw plaidFailure(path, res.status, json as Partial<PlaidError> | undefined);
    if (json === undefined) throw plaidFailure(path, res.status, undefined);
    return json as T;
  }
  return {
    name: 'plaid',
    async start(req) {
      const type = req.direction === 'deposit' ? 'debit' : 'credit';
      // Plaid takes dollars and cents as a string with exactly two decimals.
      const amount = Decimal.from(req.amount);
      if (!amount.round(2).eq(amount)) {
        throw new AppError('validation_failed', `amount: a bank transfer moves whole cents (${req.amount})`, { details: { issues: [{ path: 'amount', message: 'at most two decimals' }] } });
      }
      const { authorization } = await post<{ authorization: PlaidAuthorization }>('/transfer/authorization/create', {
        access_token: s.accessToken,
        account_id: s.accountId,
        type,
        network: 'ach',
        amount: amount.toFixed(2),
        ach_class: 'ppd',
        user: { legal_name: 'Meridian user' },
        idempotency_key: req.transferId,
      });
      if (authorization.decision !== 'approved') {
        const why = authorization.decision_rationale;
        throw new AppError('unprocessable', `the bank declined the transfer: ${why?.description ?? authorization.decision}`, {
          details: { reason: 'transfer_declined', provider: 'plaid', providerCode: why?.code ?? authorization.decision },
        });
      }
      const { transfer } = await post<{ transfer: PlaidTransfer }>('/transfer/create', {
        access_token: s.accessToken,
        account_id: s.accountId,
        authorization_id: authorization.id,
        description: req.direction === 'deposit' ? 'Deposit' : 'Withdraw',
        idempotency_key: req.transferId,
      });
      return { providerTransferId: transfer.id, settled: transfer.status === 'settled' || transfer.status === 'funds_available' };
    },
    async status(id) {
      const { transfer } = await post<{ transfer: PlaidTransfer }>('/transfer/get', { transfer_id: id });
      switch (transfer.status) {
        case 'settled':
        case 'funds_available':
          return { state: 'settled', reason: null };
        case 'failed':
        case 'cancelled':
        case 'returned':
          return { state: 'failed', reason: transfer.failure_reason?.description ?? transfer.status };
        case 'pending':
        case 'posted':
          return { state: 'pending', reason: null };
      }
    },
  };
}
