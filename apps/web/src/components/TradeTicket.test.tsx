// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { validateTicket, emptyTicket, visibleFields } from '../features/tradeTicket';
import { anAccount, jsonAnswer as answer, stubbedFetch } from '../testing/fixtures';
import { TradeTicket } from './TradeTicket';

const account = anAccount();

const preview = { approved: true, reasons: [], quote: '100', quoteCurrency: 'USD', currency: 'USD', estimatedQuantity: '2', estimatedPrice: '100', grossAmount: '200.00', estimatedCommission: '1.00', estimatedTotal: '201.00', buyingPower: '1000' };

function renderTicket(onPlaced = vi.fn()) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <TradeTicket accounts={[account]} onPlaced={onPlaced} />
    </QueryClientProvider>,
  );
  return onPlaced;
}
const input = (label: RegExp) => screen.getByLabelText(label);
const type = (label: RegExp, value: string) => fireEvent.change(input(label), { target: { value } });

describe('the ticket rules', () => {
  it('shows the price fields of each order type and nothing else', () => {
    const v = emptyTicket(account.id);
    expect(visibleFields(v)).toEqual(['quantity']);
    expect(visibleFields({ ...v, type: 'limit' })).toEqual(['quantity', 'limitPrice']);
    expect(visibleFields({ ...v, type: 'stop' })).toEqual(['quantity', 'stopPrice']);
    expect(visibleFields({ ...v, type: 'stop_limit' })).toEqual(['quantity', 'stopPrice', 'limitPrice']);
    expect(visibleFields({ ...v, type: 'trailing_stop' })).toEqual(['quantity', 'trail']);
    // A notional size only for a market day order.
    expect(visibleFields({ ...v, sizeBy: 'notional' })).toEqual(['notional']);
    expect(visibleFields({ ...v, sizeBy: 'notional', timeInForce: 'gtc' })).toEqual(['quantity']);
  });

  it('builds the body the API takes, with only the fields of the type', () => {
    const v = { ...emptyTicket(account.id), symbol: 'btc-usd', type: 'trailing_stop' as const, timeInForce: 'gtc' as const, quantity: '0,5', trail: '3', limitPrice: '9' };
    expect(validateTicket(v)).toEqual({ body: { accountId: account.id, symbol: 'BTC-USD', side: 'buy', type: 'trailing_stop', timeInForce: 'gtc', quantity: '0.5', trailPercent: '3' } });
    expect(validateTicket({ ...v, trail: '120' })).toEqual({ errors: { trail: 'Trail percent must be below 100.' } });
    expect(validateTicket({ ...v, type: 'stop', timeInForce: 'ioc' })).toMatchObject({ errors: { timeInForce: expect.stringMatching(/market and limit/), stopPrice: 'Stop price is required.' } });
  });
});

describe('the order ticket', () => {
  const fetchMock = stubbedFetch();

  it('shows limit and stop fields only for the types that take them', () => {
    renderTicket();
    expect(screen.queryByLabelText('Limit price')).toBeNull();
    fireEvent.change(input(/^Order type/), { target: { value: 'stop_limit' } });
    expect(input(/^Limit price/)).toBeTruthy();
    expect(input(/^Stop price/)).toBeTruthy();
    fireEvent.change(input(/^Order type/), { target: { value: 'trailing_stop' } });
    expect(screen.queryByLabelText('Limit price')).toBeNull();
    expect(input(/^Trail percent/)).toBeTruthy();
  });

  it('names missing fields before calling the API', () => {
    renderTicket();
    fireEvent.click(screen.getByRole('button', { name: 'Review order' }));
    expect(screen.getByText('Symbol is required.')).toBeTruthy();
    expect(screen.getByText('Quantity is required.')).toBeTruthy();
    expect(input(/^Quantity/).getAttribute('aria-invalid')).toBe('true');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('reviews with the risk checks and the cost, then places the order on confirm', async () => {
    fetchMock.mockResolvedValueOnce(answer(200, preview)).mockResolvedValueOnce(answer(201, { id: 'o1', status: 'filled' }));
    const onPlaced = renderTicket();
    type(/^Symbol/, 'aapl');
    type(/^Quantity/, '2');
    fireEvent.click(screen.getByRole('button', { name: 'Review order' }));
    expect((await screen.findByTestId('risk-result')).textContent).toMatch(/Passes the pre-trade risk checks/);
    expect(screen.getByTestId('estimated-total').textContent).toBe('$201.00');
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/execution/orders/preview');
    expect(JSON.parse(init.body as string)).toEqual({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '2' });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm buy' }));
    await waitFor(() => expect(onPlaced).toHaveBeenCalledWith({ id: 'o1', status: 'filled' }));
    const placed = JSON.parse((fetchMock.mock.calls[1] as [string, RequestInit])[1].body as string) as Record<string, string>;
    expect(placed).toMatchObject({ symbol: 'AAPL', quantity: '2' });
    expect(placed.clientOrderId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('will not confirm what the risk checks refuse, and says why', async () => {
    fetchMock.mockResolvedValueOnce(answer(200, { ...preview, approved: false, reasons: [{ code: 'buying_power', message: 'insufficient buying power: the order needs 201.00 USD, available 0.00' }] }));
    renderTicket();
    type(/^Symbol/, 'AAPL');
    type(/^Quantity/, '2');
    fireEvent.click(screen.getByRole('button', { name: 'Review order' }));
    expect((await screen.findByTestId('risk-result')).textContent).toContain('Insufficient buying power');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Confirm buy' }).disabled).toBe(true);
  });

  it("puts the API's validation issues on their fields, trail prices on the trail input", async () => {
    fetchMock.mockResolvedValueOnce(
      answer(400, { error: { code: 'validation_failed', message: 'invalid', details: { issues: [{ path: 'trailPercent', message: 'must be below 100' }, { path: 'body.symbol', message: 'must be a ticker like "AAPL" or "BTC-USD"' }] } } }),
    );
    renderTicket();
    fireEvent.change(input(/^Order type/), { target: { value: 'trailing_stop' } });
    type(/^Symbol/, 'AAPL');
    type(/^Quantity/, '1');
    type(/^Trail percent/, '5');
    fireEvent.click(screen.getByRole('button', { name: 'Review order' }));
    expect(await screen.findByText('Must be below 100')).toBeTruthy();
    expect(input(/^Trail percent/).getAttribute('aria-invalid')).toBe('true');
    expect(input(/^Symbol/).getAttribute('aria-invalid')).toBe('true');
  });

  it('lists every reason of a 422 risk refusal when placing', async () => {
    fetchMock
      .mockResolvedValueOnce(answer(200, preview))
      .mockResolvedValueOnce(answer(422, { error: { code: 'unprocessable', message: 'order rejected', details: { reason: 'kill_switch', reasons: [{ code: 'kill_switch', message: 'trading is switched off for this user (kill switch)' }, { code: 'symbol_denied', message: 'AAPL is on the deny list' }] } } }));
    renderTicket();
    type(/^Symbol/, 'AAPL');
    type(/^Quantity/, '2');
    fireEvent.click(screen.getByRole('button', { name: 'Review order' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Confirm buy' }));
    expect(await screen.findByText('Trading is switched off for this user (kill switch)')).toBeTruthy();
    expect(screen.getByText('AAPL is on the deny list')).toBeTruthy();
  });
});
