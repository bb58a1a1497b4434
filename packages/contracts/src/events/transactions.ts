/** Events the transactions service publishes (accounts, activities, imports). */
export const transactionsEvents = {} as const;
