/** Events the valuation service publishes (prices, instruments). */
export const valuationEvents = {} as const;
