import type { AccountDto, ActivityPage, AuditEntryDto, AuditVerifyDto, MeDto, OrderDto } from '@meridian/contracts';
import { QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from './api';
import type {
  AllocationsResponse,
  AttributionResponse,
  BenchmarkResponse,
  HoldingDetail,
  HoldingsResponse,
  PerformanceResponse,
  RiskResponse,
  Summary,
  YearsResponse,
} from './types';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: true,
        // A 4xx will answer the same again; only retry what may pass (network, 5xx).
        retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
      },
    },
  });
}

/** Query keys: everything the portfolio answers sits under `portfolio`, refreshed together on a live update. */
export const keys = {
  me: ['auth', 'me'] as const,
  accounts: (includeArchived: boolean) => ['transactions', 'accounts', { includeArchived }] as const,
  activities: (filters: Record<string, string | undefined>) => ['transactions', 'activities', filters] as const,
  portfolio: ['portfolio'] as const,
  summary: ['portfolio', 'summary'] as const,
};

export const useMe = () => useQuery({ queryKey: keys.me, queryFn: () => api<MeDto>('/auth/me') });

export const useAccounts = (includeArchived = false) =>
  useQuery({
    queryKey: keys.accounts(includeArchived),
    queryFn: () => api<{ items: AccountDto[] }>('/transactions/accounts', { query: { includeArchived } }).then((r) => r.items),
  });

export function useActivities(filters: Record<string, string | undefined>) {
  return useInfiniteQuery({
    queryKey: keys.activities(filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      api<ActivityPage>('/transactions/activities', { query: { ...filters, limit: 50, cursor: pageParam }, signal }),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

const portfolioGet = <T,>(path: string, query: Record<string, string | undefined> = {}) =>
  api<T>(`/portfolio${path}`, { query, fresh: true });

export const useSummary = () => useQuery({ queryKey: keys.summary, queryFn: () => portfolioGet<Summary>('/summary') });

export const useHoldings = (accountId?: string) =>
  useQuery({ queryKey: ['portfolio', 'holdings', accountId ?? null], queryFn: () => portfolioGet<HoldingsResponse>('/holdings', { accountId }) });

export const useHolding = (symbol: string) =>
  useQuery({
    queryKey: ['portfolio', 'holding', symbol],
    queryFn: () => portfolioGet<HoldingDetail>(`/holdings/${encodeURIComponent(symbol)}`),
  });

export const usePerformance = (range: string) =>
  useQuery({
    queryKey: ['portfolio', 'performance', range],
    queryFn: () => portfolioGet<PerformanceResponse>('/performance', { range }),
    placeholderData: (previous) => previous,
  });

export const useYears = () => useQuery({ queryKey: ['portfolio', 'years'], queryFn: () => portfolioGet<YearsResponse>('/performance/years') });

export const useAttribution = (range: string) =>
  useQuery({ queryKey: ['portfolio', 'attribution', range], queryFn: () => portfolioGet<AttributionResponse>('/attribution', { range }) });

export const useAllocations = () =>
  useQuery({ queryKey: ['portfolio', 'allocations'], queryFn: () => portfolioGet<AllocationsResponse>('/allocations') });

export const useRisk = (range: string, benchmark?: string) =>
  useQuery({ queryKey: ['portfolio', 'risk', range, benchmark ?? null], queryFn: () => portfolioGet<RiskResponse>('/risk', { range, benchmark }) });

export const useBenchmark = (symbol: string, range: string) =>
  useQuery({
    queryKey: ['portfolio', 'benchmark', symbol, range],
    queryFn: () => portfolioGet<BenchmarkResponse>('/benchmark', { symbol, range }),
    enabled: symbol.length > 0,
  });

export const usePortfolioSettings = () =>
  useQuery({ queryKey: ['portfolio', 'settings'], queryFn: () => portfolioGet<{ baseCurrency: string }>('/settings') });

/** Orders, one order and the audit trail of the execution service; refreshed by the live feed and polled while an order works. */
export const executionKeys = {
  all: ['execution'] as const,
  orders: (status: string, accountId: string) => ['execution', 'orders', status, accountId] as const,
  order: (id: string) => ['execution', 'order', id] as const,
  audit: (accountId: string) => ['execution', 'audit', accountId] as const,
};

const OPEN_STATUSES = new Set(['new', 'accepted', 'partially_filled']);
export const isOpenOrder = (o: Pick<OrderDto, 'status'>) => OPEN_STATUSES.has(o.status);
/** Poll every few seconds while an order may still change; the live feed covers the rest. */
const POLL_MS = 3_000;

export const useOrders = (status: 'open' | 'closed' | 'all', accountId = '') =>
  useQuery({
    queryKey: executionKeys.orders(status, accountId),
    queryFn: ({ signal }) => api<{ items: OrderDto[] }>('/execution/orders', { query: { status, accountId, limit: 100 }, signal }).then((r) => r.items),
    refetchInterval: (q) => (q.state.data?.some(isOpenOrder) ? POLL_MS : false),
  });

export const useOrder = (id: string) =>
  useQuery({
    queryKey: executionKeys.order(id),
    queryFn: ({ signal }) => api<OrderDto>(`/execution/orders/${encodeURIComponent(id)}`, { signal }),
    refetchInterval: (q) => (q.state.data && isOpenOrder(q.state.data) ? POLL_MS : false),
  });

/** Cancels a working order (`DELETE /execution/orders/{id}`), then refreshes every order shown. */
export function useCancelOrder() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<OrderDto>(`/execution/orders/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSettled: () => client.invalidateQueries({ queryKey: executionKeys.all }),
  });
}

export const useAudit = (accountId: string | undefined) =>
  useQuery({
    queryKey: executionKeys.audit(accountId ?? ''),
    enabled: Boolean(accountId),
    queryFn: async ({ signal }) => {
      const [list, verify] = await Promise.all([
        api<{ items: AuditEntryDto[] }>(`/execution/accounts/${accountId}/audit`, { signal }),
        api<AuditVerifyDto>(`/execution/accounts/${accountId}/audit/verify`, { signal }),
      ]);
      return { entries: list.items, verify };
    },
  });
