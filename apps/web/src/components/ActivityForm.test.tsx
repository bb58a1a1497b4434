// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { anAccount, jsonAnswer as answer, stubbedFetch } from '../testing/fixtures';
import { ActivityForm } from './ActivityForm';

const account = anAccount({ trackCash: false });

function renderForm(onDone = vi.fn()) {
  const client = new QueryClient();
  render(
    <QueryClientProvider client={client}>
      <ActivityForm accounts={[account]} onDone={onDone} />
    </QueryClientProvider>,
  );
  return onDone;
}

const input = (label: RegExp) => screen.getByLabelText(label);
const type = (label: RegExp, value: string) => fireEvent.change(input(label), { target: { value } });

describe('the activity form', () => {
  const fetchMock = stubbedFetch();

  it('shows the fields a buy needs, with labels', () => {
    renderForm();
    expect(input(/^Symbol/)).toBeTruthy();
    expect(input(/^Quantity/)).toBeTruthy();
    expect(input(/^Price per unit/)).toBeTruthy();
    expect(screen.queryByLabelText(/^Amount/)).toBeNull();
  });

  it('switches fields with the type: a deposit takes an amount and no symbol', () => {
    renderForm();
    fireEvent.change(input(/^Type/), { target: { value: 'DEPOSIT' } });
    expect(input(/^Amount/)).toBeTruthy();
    expect(screen.queryByLabelText(/^Symbol/)).toBeNull();
  });

  it('names each missing or malformed field next to it before calling the API', () => {
    renderForm();
    type(/^Quantity/, 'ten');
    fireEvent.click(screen.getByRole('button', { name: 'Add activity' }));
    expect(screen.getByText('Symbol is required for this type.')).toBeTruthy();
    expect(screen.getByText('Quantity must be a number, like 12.50.')).toBeTruthy();
    expect(screen.getByText('Price per unit is required for this type.')).toBeTruthy();
    expect(input(/^Quantity/).getAttribute('aria-invalid')).toBe('true');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('sends decimals as strings, reading a decimal comma', async () => {
    fetchMock.mockResolvedValue(answer(201, { id: 'x' }));
    const onDone = renderForm();
    type(/^Symbol/, 'aapl');
    type(/^Quantity/, '10');
    type(/^Price per unit/, '180,25');
    fireEvent.click(screen.getByRole('button', { name: 'Add activity' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/transactions/activities');
    expect(JSON.parse(init.body as string)).toMatchObject({ accountId: account.id, type: 'BUY', symbol: 'AAPL', quantity: '10', unitPrice: '180.25' });
    expect((init.headers as Record<string, string>)['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("puts the API's validation issues next to their fields", async () => {
    fetchMock.mockResolvedValue(
      answer(400, { error: { code: 'validation_failed', message: 'invalid body', details: { issues: [{ path: 'unitPrice', message: 'must be a decimal number as a string, like "12.50"' }] } } }),
    );
    renderForm();
    type(/^Symbol/, 'AAPL');
    type(/^Quantity/, '1');
    type(/^Price per unit/, '5');
    fireEvent.click(screen.getByRole('button', { name: 'Add activity' }));
    expect(await screen.findByText('Must be a decimal number as a string, like "12.50"')).toBeTruthy();
    expect(input(/^Price per unit/).getAttribute('aria-invalid')).toBe('true');
  });

  it('shows a ledger violation (422) on the quantity it concerns', async () => {
    fetchMock.mockResolvedValue(
      answer(422, {
        error: {
          code: 'unprocessable',
          message: 'selling 5 AAPL on 2024-03-01 but only 2 are held',
          details: { reason: 'insufficient_position', field: 'quantity', violations: [{ kind: 'insufficient_position', message: 'selling 5 AAPL on 2024-03-01 but only 2 are held' }] },
        },
      }),
    );
    renderForm();
    fireEvent.change(input(/^Type/), { target: { value: 'SELL' } });
    type(/^Symbol/, 'AAPL');
    type(/^Quantity/, '5');
    type(/^Price per unit/, '5');
    fireEvent.click(screen.getByRole('button', { name: 'Add activity' }));
    expect(await screen.findByText('Selling 5 AAPL on 2024-03-01 but only 2 are held')).toBeTruthy();
    expect(input(/^Quantity/).getAttribute('aria-invalid')).toBe('true');
  });

  it('refuses a date in the future', () => {
    renderForm();
    fireEvent.change(input(/^Type/), { target: { value: 'DEPOSIT' } });
    type(/^Amount/, '100');
    type(/^Date/, '2999-01-01');
    fireEvent.click(screen.getByRole('button', { name: 'Add activity' }));
    expect(screen.getByText('The date cannot be in the future.')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
