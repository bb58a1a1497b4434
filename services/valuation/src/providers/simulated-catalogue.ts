import type { InstrumentType } from '@meridian/contracts';

/**
 * Instruments the simulated market lists, with a price level near their real one on
 * {@link REFERENCE_DAY} so a demo portfolio looks plausible. The paths themselves are
 * invented (seeded by symbol) and every response says `simulated: true`.
 */
export interface CatalogueEntry {
  symbol: string;
  name: string;
  type: InstrumentType;
  currency: string;
  exchange: string | null;
  sector: string | null;
  country: string | null;
  /** Price level on REFERENCE_DAY. */
  ref: number;
}

export const REFERENCE_DAY = '2025-01-02';

/**
 * Stock splits of the simulated market (`ratio` new:old shares). Closes before a split are
 * quoted as they were at the time: higher by the ratio, as an unadjusted real feed shows them.
 */
export const SIMULATED_SPLITS: ReadonlyMap<string, readonly { date: string; ratio: number }[]> = new Map([['NVDA', [{ date: '2024-06-10', ratio: 10 }]]]);

type Row = [symbol: string, name: string, type: InstrumentType, currency: string, exchange: string | null, sector: string | null, country: string | null, ref: number];

const ROWS: Row[] = [
  ['AAPL', 'Apple Inc.', 'EQUITY', 'USD', 'XNAS', 'Technology', 'US', 243.85],
  ['MSFT', 'Microsoft Corporation', 'EQUITY', 'USD', 'XNAS', 'Technology', 'US', 418.58],
  ['GOOGL', 'Alphabet Inc. Class A', 'EQUITY', 'USD', 'XNAS', 'Communication Services', 'US', 189.43],
  ['AMZN', 'Amazon.com, Inc.', 'EQUITY', 'USD', 'XNAS', 'Consumer Cyclical', 'US', 220.22],
  ['NVDA', 'NVIDIA Corporation', 'EQUITY', 'USD', 'XNAS', 'Technology', 'US', 138.31],
  ['META', 'Meta Platforms, Inc.', 'EQUITY', 'USD', 'XNAS', 'Communication Services', 'US', 599.24],
  ['TSLA', 'Tesla, Inc.', 'EQUITY', 'USD', 'XNAS', 'Consumer Cyclical', 'US', 379.28],
  ['NFLX', 'Netflix, Inc.', 'EQUITY', 'USD', 'XNAS', 'Communication Services', 'US', 886.0],
  ['BRK-B', 'Berkshire Hathaway Inc. Class B', 'EQUITY', 'USD', 'XNYS', 'Financial Services', 'US', 449.68],
  ['JPM', 'JPMorgan Chase & Co.', 'EQUITY', 'USD', 'XNYS', 'Financial Services', 'US', 237.38],
  ['V', 'Visa Inc.', 'EQUITY', 'USD', 'XNYS', 'Financial Services', 'US', 313.4],
  ['JNJ', 'Johnson & Johnson', 'EQUITY', 'USD', 'XNYS', 'Healthcare', 'US', 143.7],
  ['XOM', 'Exxon Mobil Corporation', 'EQUITY', 'USD', 'XNYS', 'Energy', 'US', 106.9],
  ['KO', 'The Coca-Cola Company', 'EQUITY', 'USD', 'XNYS', 'Consumer Defensive', 'US', 62.1],
  ['PG', 'The Procter & Gamble Company', 'EQUITY', 'USD', 'XNYS', 'Consumer Defensive', 'US', 165.8],
  ['DIS', 'The Walt Disney Company', 'EQUITY', 'USD', 'XNYS', 'Communication Services', 'US', 111.1],
  ['SPY', 'SPDR S&P 500 ETF Trust', 'ETF', 'USD', 'XNYS', null, 'US', 584.64],
  ['VOO', 'Vanguard S&P 500 ETF', 'ETF', 'USD', 'XNYS', null, 'US', 537.8],
  ['VTI', 'Vanguard Total Stock Market ETF', 'ETF', 'USD', 'XNYS', null, 'US', 289.7],
  ['VT', 'Vanguard Total World Stock ETF', 'ETF', 'USD', 'XNYS', null, 'US', 118.2],
  ['QQQ', 'Invesco QQQ Trust', 'ETF', 'USD', 'XNAS', null, 'US', 510.2],
  ['VNQ', 'Vanguard Real Estate ETF', 'ETF', 'USD', 'XNYS', 'Real Estate', 'US', 88.6],
  ['GLD', 'SPDR Gold Shares', 'ETF', 'USD', 'XNYS', null, 'US', 240.6],
  ['BND', 'Vanguard Total Bond Market ETF', 'ETF', 'USD', 'XNAS', null, 'US', 71.7],
  ['AGG', 'iShares Core U.S. Aggregate Bond ETF', 'ETF', 'USD', 'XNYS', null, 'US', 96.9],
  ['VFIAX', 'Vanguard 500 Index Fund Admiral Shares', 'FUND', 'USD', null, null, 'US', 537.1],
  ['FXAIX', 'Fidelity 500 Index Fund', 'FUND', 'USD', null, null, 'US', 205.3],
  ['VBTLX', 'Vanguard Total Bond Market Index Fund Admiral', 'BOND', 'USD', null, null, 'US', 9.46],
  ['SAP.DE', 'SAP SE', 'EQUITY', 'EUR', 'XETR', 'Technology', 'DE', 238.1],
  ['SIE.DE', 'Siemens AG', 'EQUITY', 'EUR', 'XETR', 'Industrials', 'DE', 190.6],
  ['ASML.AS', 'ASML Holding N.V.', 'EQUITY', 'EUR', 'XAMS', 'Technology', 'NL', 690.0],
  ['MC.PA', 'LVMH Moët Hennessy Louis Vuitton SE', 'EQUITY', 'EUR', 'XPAR', 'Consumer Cyclical', 'FR', 640.5],
  ['NESN.SW', 'Nestlé S.A.', 'EQUITY', 'CHF', 'XSWX', 'Consumer Defensive', 'CH', 75.0],
  ['NOVN.SW', 'Novartis AG', 'EQUITY', 'CHF', 'XSWX', 'Healthcare', 'CH', 88.5],
  ['SHEL.L', 'Shell plc', 'EQUITY', 'GBP', 'XLON', 'Energy', 'GB', 24.95],
  ['AZN.L', 'AstraZeneca PLC', 'EQUITY', 'GBP', 'XLON', 'Healthcare', 'GB', 105.5],
  ['HSBA.L', 'HSBC Holdings plc', 'EQUITY', 'GBP', 'XLON', 'Financial Services', 'GB', 7.86],
  ['VWRL.L', 'Vanguard FTSE All-World UCITS ETF', 'ETF', 'GBP', 'XLON', null, 'IE', 117.3],
  ['SHOP.TO', 'Shopify Inc.', 'EQUITY', 'CAD', 'XTSE', 'Technology', 'CA', 155.2],
  ['RY.TO', 'Royal Bank of Canada', 'EQUITY', 'CAD', 'XTSE', 'Financial Services', 'CA', 173.4],
  ['7203.T', 'Toyota Motor Corporation', 'EQUITY', 'JPY', 'XTKS', 'Consumer Cyclical', 'JP', 2750],
  ['6758.T', 'Sony Group Corporation', 'EQUITY', 'JPY', 'XTKS', 'Technology', 'JP', 3350],
  ['0700.HK', 'Tencent Holdings Limited', 'EQUITY', 'HKD', 'XHKG', 'Communication Services', 'CN', 410.0],
  ['BHP.AX', 'BHP Group Limited', 'EQUITY', 'AUD', 'XASX', 'Basic Materials', 'AU', 39.6],
  ['CBA.AX', 'Commonwealth Bank of Australia', 'EQUITY', 'AUD', 'XASX', 'Financial Services', 'AU', 153.0],
  ['BTC-USD', 'Bitcoin', 'CRYPTO', 'USD', 'CRYPTO', null, null, 96880],
  ['ETH-USD', 'Ethereum', 'CRYPTO', 'USD', 'CRYPTO', null, null, 3450],
  ['SOL-USD', 'Solana', 'CRYPTO', 'USD', 'CRYPTO', null, null, 208],
  ['XRP-USD', 'XRP', 'CRYPTO', 'USD', 'CRYPTO', null, null, 2.42],
  ['ADA-USD', 'Cardano', 'CRYPTO', 'USD', 'CRYPTO', null, null, 0.95],
  ['DOGE-USD', 'Dogecoin', 'CRYPTO', 'USD', 'CRYPTO', null, null, 0.36],
  ['BTC-EUR', 'Bitcoin', 'CRYPTO', 'EUR', 'CRYPTO', null, null, 93500],
  ['ETH-EUR', 'Ethereum', 'CRYPTO', 'EUR', 'CRYPTO', null, null, 3330],
];

export const CATALOGUE: ReadonlyMap<string, CatalogueEntry> = new Map(
  ROWS.map(([symbol, name, type, currency, exchange, sector, country, ref]) => [
    symbol,
    { symbol, name, type, currency, exchange, sector, country, ref },
  ]),
);

/** USD value of one unit of each currency on REFERENCE_DAY, and its annual volatility. */
export const CURRENCIES: Readonly<Record<string, { usd: number; vol: number; name: string }>> = {
  USD: { usd: 1, vol: 0, name: 'US Dollar' },
  EUR: { usd: 1.035, vol: 0.08, name: 'Euro' },
  GBP: { usd: 1.24, vol: 0.08, name: 'British Pound' },
  JPY: { usd: 0.00636, vol: 0.1, name: 'Japanese Yen' },
  CHF: { usd: 1.1, vol: 0.08, name: 'Swiss Franc' },
  CAD: { usd: 0.695, vol: 0.06, name: 'Canadian Dollar' },
  AUD: { usd: 0.62, vol: 0.1, name: 'Australian Dollar' },
  NZD: { usd: 0.56, vol: 0.1, name: 'New Zealand Dollar' },
  HKD: { usd: 0.1287, vol: 0.005, name: 'Hong Kong Dollar' },
  CNY: { usd: 0.137, vol: 0.04, name: 'Chinese Yuan' },
  SEK: { usd: 0.0905, vol: 0.1, name: 'Swedish Krona' },
  NOK: { usd: 0.0878, vol: 0.1, name: 'Norwegian Krone' },
  DKK: { usd: 0.1388, vol: 0.08, name: 'Danish Krone' },
  PLN: { usd: 0.243, vol: 0.1, name: 'Polish Zloty' },
  CZK: { usd: 0.041, vol: 0.1, name: 'Czech Koruna' },
  HUF: { usd: 0.00252, vol: 0.12, name: 'Hungarian Forint' },
  INR: { usd: 0.01167, vol: 0.05, name: 'Indian Rupee' },
  SGD: { usd: 0.733, vol: 0.05, name: 'Singapore Dollar' },
  KRW: { usd: 0.00068, vol: 0.08, name: 'South Korean Won' },
  BRL: { usd: 0.162, vol: 0.15, name: 'Brazilian Real' },
  MXN: { usd: 0.0485, vol: 0.12, name: 'Mexican Peso' },
  ZAR: { usd: 0.053, vol: 0.15, name: 'South African Rand' },
  ILS: { usd: 0.274, vol: 0.08, name: 'Israeli New Shekel' },
  TRY: { usd: 0.0282, vol: 0.2, name: 'Turkish Lira' },
};
