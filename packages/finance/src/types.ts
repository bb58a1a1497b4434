/**
 * Plain input types (no zod here: the service layer validates at the edge). Amounts are
 * decimal strings, dates `YYYY-MM-DD` strings.
 */

export type ActivityType =
  | 'BUY'
  | 'SELL'
  | 'DIVIDEND'
  | 'INTEREST'
  | 'FEE'
  | 'TAX'
  | 'DEPOSIT'
  | 'WITHDRAWAL'
  | 'TRANSFER_IN'
  | 'TRANSFER_OUT'
  | 'SPLIT'
  | 'VALUATION';

/**
 * One entry of the user's ledger.
 *
 * Fields by type (all amounts in `currency`):
 * - BUY / SELL: `symbol`, `quantity` (> 0), `unitPrice`; optional `fee`, `tax` (added to the
 *   cost of a buy, deducted from the proceeds of a sell).
 * - DIVIDEND / INTEREST: gross `amount`, or `quantity` × `unitPrice` (per share); optional
 *   withholding `tax` and `fee`. With a `symbol` the income belongs to that holding; INTEREST
 *   without a symbol is interest on cash.
 * - FEE / TAX: `amount` charged (negative for a refund); with a `symbol` it is charged to
 *   that holding, without one to the account.
 * - DEPOSIT / WITHDRAWAL: `amount` (external flows of a cash-tracking account).
 * - TRANSFER_IN / TRANSFER_OUT: cash (`amount`, no symbol) or securities (`symbol`,
 *   `quantity`). Two legs with the same `transferId` on the same day move money or lots
 *   (with their acquisition dates and cost basis) between the user's own accounts; a leg
 *   without a partner is an external flow at market value (a securities TRANSFER_IN then
 *   takes `unitPrice` as its cost per unit).
 * - SPLIT: `symbol`, `ratio` as "new:old" ("2:1" doubles the shares, "1:10" is a reverse
 *   split). It applies to the position in `accountId`, before that day's trades. Prices are
 *   expected as quoted at the time (not split-adjusted).
 * - VALUATION: `symbol`, `unitPrice`: a manual price for an asset without market quotes;
 *   it applies to the instrument in every account from that day until the next price.
 */
export interface Activity {
  /** Unique within the portfolio. */
  id: string;
  accountId: string;
  /** `YYYY-MM-DD`. */
  date: string;
  type: ActivityType;
  symbol?: string;
  quantity?: string;
  unitPrice?: string;
  amount?: string;
  fee?: string;
  tax?: string;
  /** Currency of unitPrice/amount/fee/tax; defaults to the instrument's, else the account's. */
  currency?: string;
  /** Units of base currency per unit of `currency` for this activity's cost basis (overrides the FX series). */
  fxRate?: string;
  /** SPLIT only: "new:old". */
  ratio?: string;
  /** Links the two legs of a transfer between the user's own accounts. */
  transferId?: string;
}

export type CostBasisMethod = 'FIFO' | 'AVERAGE';

export interface Account {
  id: string;
  /** Default currency of the account's cash. */
  currency: string;
  /**
   * true: the account holds cash; deposits and withdrawals are the external flows and trades
   * move cash. false: each buy is money put in, each sell, dividend or interest money taken out.
   */
  tracksCash: boolean;
  /** Default FIFO. */
  costBasis?: CostBasisMethod;
}

export interface Instrument {
  symbol: string;
  /** Currency the instrument is quoted in. */
  currency: string;
  /** Free-form class used by filters (EQUITY, BOND, ETF, CRYPTO, REAL_ESTATE, …). */
  assetClass?: string;
  name?: string;
}

/** A dated observation: `[YYYY-MM-DD, decimal string]`, ascending by date. */
export type DatedValue = readonly [date: string, value: string];

export interface MarketDataInput {
  /** Daily closes per symbol, in the instrument's currency. */
  prices: Readonly<Record<string, readonly DatedValue[]>>;
  /** Per currency: units of base currency per one unit of that currency. The base currency needs none. */
  fx: Readonly<Record<string, readonly DatedValue[]>>;
}

export interface PortfolioInput extends MarketDataInput {
  baseCurrency: string;
  /** Last day of the timeline (the clock is a parameter). */
  asOf: string;
  accounts: readonly Account[];
  instruments: readonly Instrument[];
  activities: readonly Activity[];
}

export type DiagnosticCode =
  | 'INVALID_ACTIVITY'
  | 'UNKNOWN_ACCOUNT'
  | 'UNKNOWN_INSTRUMENT'
  | 'FUTURE_ACTIVITY'
  | 'IGNORED_ACTIVITY'
  | 'OVERSELL'
  | 'NEGATIVE_CASH'
  | 'UNPAIRED_TRANSFER'
  | 'MISSING_PRICE'
  | 'MISSING_FX';

/** Something the user should look at; the computation goes on and says what it assumed. */
export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  code: DiagnosticCode;
  message: string;
  date?: string;
  activityId?: string;
  accountId?: string;
  symbol?: string;
  currency?: string;
}
