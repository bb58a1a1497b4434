import { AppError } from '@meridian/platform';
import type { LinkedAccount } from '../accounts.service.js';
import type { ExecutionDeps } from '../deps.js';
import { createAlpacaBroker, type AlpacaCredentials } from './alpaca/alpaca.broker.js';
import type { PaperFillSettings } from './paper/matching.js';
import { createPaperBroker } from './paper/paper.broker.js';
import type { BrokerAdapter } from './types.js';

export function paperFillSettings(deps: ExecutionDeps): PaperFillSettings {
  return {
    slippageBps: deps.settings.MERIDIAN_PAPER_SLIPPAGE_BPS,
    commissionPerOrder: deps.settings.MERIDIAN_PAPER_COMMISSION,
    commissionBps: deps.settings.MERIDIAN_PAPER_COMMISSION_BPS,
  };
}

export function secretContext(accountId: string): string {
  return `execution:broker:${accountId}`;
}

/** The Alpaca keys linked to an account, decrypted, or undefined when it trades on paper. */
export async function alpacaCredentials(deps: ExecutionDeps, accountId: string): Promise<AlpacaCredentials | undefined> {
  const link = await deps.db.selectFrom('broker_links').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  if (!link) return undefined;
  if (link.broker !== 'alpaca') throw new AppError('internal', `unknown broker ${link.broker}`);
  const environment = link.environment === 'live' ? 'live' : 'paper';
  return {
    baseUrl: environment === 'live' ? deps.settings.MERIDIAN_ALPACA_TRADING_LIVE_URL : deps.settings.MERIDIAN_ALPACA_TRADING_PAPER_URL,
    environment,
    keyId: link.key_id,
    secretKey: await deps.cipher.decryptString(link.secret_sealed, secretContext(accountId)),
  };
}

/** The broker an account trades through: Alpaca when the user linked keys, else the paper broker. */
export async function brokerFor(deps: ExecutionDeps, account: LinkedAccount): Promise<BrokerAdapter> {
  const creds = await alpacaCredentials(deps, account.id);
  if (creds) return createAlpacaBroker(creds);
  return paperBroker(deps, account);
}

/** The built-in paper broker for an account. */
export function paperBroker(deps: ExecutionDeps, account: LinkedAccount): BrokerAdapter {
  return createPaperBroker(deps.db, deps.clock, paperFillSettings(deps), { accountId: account.id, userId: account.userId, currency: account.currency });
}
