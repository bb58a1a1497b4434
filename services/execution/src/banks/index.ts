import type { ExecutionSettings } from '../config.js';
import { createPlaidBank } from './plaid.js';

export interface BankTransferRequest {
  transferId: string;
  direction: 'deposit' | 'withdrawal';
  amount: string;
  currency: string;
}

/** A bank-transfer rail: the simulated bank settles at once; Plaid Transfer later. */
export interface BankAdapter {
  readonly name: string;
  start(req: BankTransferRequest): Promise<{ providerTransferId: string | null; settled: boolean }>;
  status(providerTransferId: string): Promise<{ state: 'pending' | 'settled' | 'failed'; reason: string | null }>;
}

/** The simulated bank: every transfer settles immediately (labelled `simulated`). */
export const simulatedBank: BankAdapter = {
  name: 'simulated',
  start: async () => ({ providerTransferId: null, settled: true }),
  status: async () => ({ state: 'settled', reason: null }),
};

/** Plaid Transfer when its client id, secret, access token and account are configured, else the simulated bank. */
export function createBank(settings: ExecutionSettings): BankAdapter {
  const { MERIDIAN_PLAID_CLIENT_ID: clientId, MERIDIAN_PLAID_SECRET: secret, MERIDIAN_PLAID_ACCESS_TOKEN: accessToken, MERIDIAN_PLAID_ACCOUNT_ID: accountId } = settings;
  if (clientId && secret && accessToken && accountId) return createPlaidBank({ baseUrl: settings.MERIDIAN_PLAID_BASE_URL, clientId, secret, accessToken, accountId });
  return simulatedBank;
}
