// For the component tests: the API is outside the app, so `fetch` is stubbed and answers
// with DTOs shaped as the services send them.
import type { AccountDto, OrderDto } from '@meridian/contracts';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { writeTokens } from '../lib/session';

/** A JSON answer of the API, for a stubbed `fetch`. */
export function jsonAnswer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/**
 * For each test of the calling `describe` (or file): a signed-in session and a `fetch` stub,
 * reset, that answers what the test tells it; afterwards the page, stub and storage are cleared.
 */
export function stubbedFetch() {
  const fetchMock = vi.fn();
  beforeEach(() => {
    writeTokens({ accessToken: 'a.b.c', refreshToken: 'r', expiresAt: Date.now() + 600_000 });
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    localStorage.clear();
  });
  return fetchMock;
}

export function anAccount(patch: Partial<AccountDto> = {}): AccountDto {
  return {
    id: '0190f1a2-0000-7000-8000-000000000001',
    name: 'Broker',
    type: 'BROKERAGE',
    currency: 'USD',
    institution: null,
    trackCash: true,
    costBasisMethod: 'FIFO',
    archived: false,
    archivedAt: null,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    version: 1,
    ...patch,
  };
}

/** A limit buy of 0.01 BTC-USD at 50,000 that rests at the paper broker. */
export function anOrder(patch: Partial<OrderDto> = {}): OrderDto {
  return {
    id: '0190f1a2-0000-7000-8000-0000000000a1',
    clientOrderId: 'c1',
    accountId: '0190f1a2-0000-7000-8000-000000000001',
    broker: 'paper',
    brokerOrderId: 'p1',
    symbol: 'BTC-USD',
    side: 'buy',
    type: 'limit',
    timeInForce: 'gtc',
    quantity: '0.01',
    notional: null,
    limitPrice: '50000',
    stopPrice: null,
    trailPercent: null,
    trailPrice: null,
    status: 'accepted',
    filledQuantity: '0',
    averagePrice: null,
    commission: '0',
    currency: 'USD',
    rejectReason: null,
    replaces: null,
    replacedBy: null,
    createdAt: '2025-01-02T10:00:00.000Z',
    updatedAt: '2025-01-02T10:00:00.000Z',
    transitions: [{ status: 'new', at: '2025-01-02T10:00:00.000Z', reason: null }],
    fills: [],
    ...patch,
  };
}
