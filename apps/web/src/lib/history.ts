import { useQuery } from '@tanstack/react-query';
import { api } from './api';

export interface PriceHistory {
  symbol: string;
  currency: string;
  prices: Array<{ date: string; close: string; source: string; simulated: boolean }>;
  simulated: boolean;
}

export function daysAgo(days: number, now = new Date()): string {
  const d = new Date(now.getTime() - days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Daily closes of one instrument from the valuation service (sparklines, frontier inputs). */
export const usePriceHistory = (symbol: string, days: number, enabled = true) =>
  useQuery({
    queryKey: ['valuation', 'history', symbol, days],
    queryFn: () => api<PriceHistory>(`/valuation/instruments/${encodeURIComponent(symbol)}/history`, { query: { from: daysAgo(days) } }),
    staleTime: 5 * 60_000,
    enabled,
  });
