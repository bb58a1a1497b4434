// @vitest-environment jsdom
import type { OrderDto } from '@meridian/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OrderBlotter } from '../components/OrderBlotter';
import { anAccount, anOrder, jsonAnswer, stubbedFetch } from '../testing/fixtures';
import Order from './Order';

const broker = anAccount();
const savings = anAccount({ id: '0190f1a2-0000-7000-8000-000000000002', name: 'Savings' });
const resting = anOrder();
const replacement = anOrder({ id: '0190f1a2-0000-7000-8000-0000000000a2', limitPrice: '48000', replaces: resting.id });

const fetchMock = stubbedFetch();

/** The API: `GET /execution/orders` filters `orders` the way the service does; other routes answer from `routes`. */
function stubApi(orders: OrderDto[], routes: Record<string, () => Response> = {}) {
  fetchMock.mockImplementation((input: string, init?: RequestInit) => {
    const url = new URL(input, 'http://localhost');
    const route = routes[`${init?.method ?? 'GET'} ${url.pathname}`];
    if (route) return Promise.resolve(route());
    if (url.pathname === '/api/execution/orders') {
      const status = url.searchParams.get('status');
      const accountId = url.searchParams.get('accountId');
      const open = (o: OrderDto) => ['new', 'accepted', 'partially_filled'].includes(o.status);
      const items = orders.filter((o) => (!accountId || o.accountId === accountId) && (status === 'all' || (status === 'open') === open(o)));
      return Promise.resolve(jsonAnswer(200, { items }));
    }
    if (url.pathname.endsWith('/audit')) return Promise.resolve(jsonAnswer(200, { items: [] }));
    if (url.pathname.endsWith('/audit/verify')) return Promise.resolve(jsonAnswer(200, { valid: true, entries: 0, brokenAt: null }));
    return Promise.resolve(jsonAnswer(404, { error: { code: 'not_found', message: `no route for ${url.pathname}` } }));
  });
  return fetchMock;
}

const renderWithQueries = (ui: ReactNode) => render(<QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{ui}</QueryClientProvider>);

afterEach(() => {
  vi.restoreAllMocks();
  window.history.replaceState(null, '', '/');
});

describe('the order page', () => {
  it('modifies a working order and goes to the replacement', async () => {
    const fetchMock = stubApi([], {
      [`GET /api/execution/orders/${resting.id}`]: () => jsonAnswer(200, resting),
      [`PATCH /api/execution/orders/${resting.id}`]: () => jsonAnswer(201, replacement),
    });
    window.history.replaceState(null, '', `/trade/orders/${resting.id}`);
    vi.spyOn(window, 'scrollTo').mockImplementation(() => undefined);
    renderWithQueries(<Order params={{ id: resting.id }} />);
    const modify = await screen.findByRole('button', { name: 'Modify' });
    expect(modify.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(modify);
    const form = screen.getByRole('form', { name: 'Modify order' });
    expect(modify.getAttribute('aria-expanded')).toBe('true');
    fireEvent.change(within(form).getByLabelText(/^Limit price/), { target: { value: '48000' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(window.location.pathname).toBe(`/trade/orders/${replacement.id}`));
    const patch = fetchMock.mock.calls.find(([, init]) => init?.method === 'PATCH');
    expect(JSON.parse(patch?.[1]?.body as string)).toEqual({ limitPrice: '48000' });
  });

  it('shows a replaced order as over, with a link to its replacement and nothing to modify', async () => {
    const replaced = anOrder({ status: 'replaced', replacedBy: replacement.id, transitions: [...resting.transitions, { status: 'replaced', at: '2025-01-02T10:05:00.000Z', reason: 'replaced' }] });
    stubApi([], { [`GET /api/execution/orders/${resting.id}`]: () => jsonAnswer(200, replaced) });
    renderWithQueries(<Order params={{ id: resting.id }} />);
    expect((await screen.findByTestId('order-status')).textContent).toBe('replaced');
    expect(screen.getByTestId('replaced-by').getAttribute('href')).toBe(`/trade/orders/${replacement.id}`);
    expect(screen.queryByRole('button', { name: 'Modify' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Cancel order' })).toBeNull();
  });

  it('opens with the modify form when asked to (Modify in the blotter)', async () => {
    stubApi([], { [`GET /api/execution/orders/${resting.id}`]: () => jsonAnswer(200, resting) });
    window.history.replaceState(null, '', `/trade/orders/${resting.id}?modify=1`);
    renderWithQueries(<Order params={{ id: resting.id }} />);
    expect(await screen.findByRole('form', { name: 'Modify order' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Modify' }).getAttribute('aria-expanded')).toBe('true');
  });

  it('cancels a working order from its page', async () => {
    let current = resting;
    const fetchMock = stubApi([], {
      [`GET /api/execution/orders/${resting.id}`]: () => jsonAnswer(200, current),
      [`DELETE /api/execution/orders/${resting.id}`]: () => jsonAnswer(200, (current = { ...resting, status: 'canceled' })),
    });
    renderWithQueries(<Order params={{ id: resting.id }} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel order' }));
    await waitFor(() => expect(screen.getByTestId('order-status').textContent).toBe('canceled'));
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === 'DELETE')).toBe(true);
  });
});

describe('the orders blotter', () => {
  const orders = [
    anOrder({ id: '0190f1a2-0000-7000-8000-0000000000b1', symbol: 'AAPL', status: 'filled', filledQuantity: '0.01' }),
    anOrder({ id: '0190f1a2-0000-7000-8000-0000000000b2', symbol: 'MSFT', status: 'canceled' }),
    anOrder({ id: '0190f1a2-0000-7000-8000-0000000000b3', symbol: 'VTI', status: 'replaced' }),
    anOrder({ id: '0190f1a2-0000-7000-8000-0000000000b4', symbol: 'ETH-USD', status: 'filled', accountId: savings.id }),
  ];
  const symbols = () => screen.queryAllByTestId('order-row').map((r) => within(r).getByRole('link').textContent?.split(' ').pop());
  const filter = (label: string) => within(screen.getByRole('group', { name: 'Filter orders' })).getByLabelText(label);

  it('offers Modify on a working order, which opens its page with the form', async () => {
    stubApi([resting, ...orders]);
    renderWithQueries(<OrderBlotter accounts={[broker, savings]} />);
    fireEvent.click(await screen.findByRole('button', { name: `Modify ${resting.side} ${resting.symbol}` }));
    expect(window.location.pathname + window.location.search).toBe(`/trade/orders/${resting.id}?modify=1`);
    // Orders that are over offer nothing to modify.
    expect(screen.getAllByRole('button', { name: /^Modify / })).toHaveLength(1);
  });

  it('reads the filters from the address and keeps every change there', async () => {
    const fetchMock = stubApi(orders);
    window.history.replaceState(null, '', `/trade?status=filled&account=${broker.id}`);
    renderWithQueries(<OrderBlotter accounts={[broker, savings]} />);
    await waitFor(() => expect(symbols()).toEqual(['AAPL']));
    expect(filter('Show')).toHaveProperty('value', 'filled');
    expect(filter('Account')).toHaveProperty('value', broker.id);
    expect(fetchMock.mock.calls[0]?.[0]).toBe(`/api/execution/orders?status=closed&accountId=${broker.id}&limit=100`);

    fireEvent.change(filter('Show'), { target: { value: 'canceled' } });
    expect(new URLSearchParams(window.location.search).get('status')).toBe('canceled');
    await waitFor(() => expect(symbols()).toEqual(['MSFT', 'VTI']));

    fireEvent.change(filter('Account'), { target: { value: '' } });
    fireEvent.change(filter('Show'), { target: { value: 'all' } });
    expect(window.location.search).toBe('');
    await waitFor(() => expect(symbols()).toEqual(['AAPL', 'MSFT', 'VTI', 'ETH-USD']));
  });

  it('says when a filter matches nothing and offers to show every order', async () => {
    stubApi(orders);
    window.history.replaceState(null, '', `/trade?status=open&account=${savings.id}`);
    renderWithQueries(<OrderBlotter accounts={[broker, savings]} />);
    expect(await screen.findByText('No open orders in Savings')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show all orders' }));
    expect(window.location.pathname + window.location.search).toBe('/trade');
    await waitFor(() => expect(symbols()).toHaveLength(4));
  });

  it('ignores a status or an account in the address that it does not know', async () => {
    stubApi(orders);
    window.history.replaceState(null, '', '/trade?status=everything&account=not-an-account');
    renderWithQueries(<OrderBlotter accounts={[broker, savings]} />);
    await waitFor(() => expect(symbols()).toHaveLength(4));
    expect(filter('Show')).toHaveProperty('value', 'all');
    expect(filter('Account')).toHaveProperty('value', '');
  });
});
