// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { modifyErrors, modifyValues, validateModify } from '../features/orderModify';
import { ApiError } from '../lib/api';
import { anOrder, jsonAnswer, stubbedFetch } from '../testing/fixtures';
import { OrderModifyForm } from './OrderModifyForm';

describe('the modify rules', () => {
  const order = anOrder();

  it('sends only what changed, and refuses a submit that changes nothing', () => {
    const v = modifyValues(order);
    expect(v).toMatchObject({ quantity: '0.01', limitPrice: '50000', timeInForce: 'gtc' });
    expect(validateModify(order, { ...v, limitPrice: '49 500,5' })).toEqual({ body: { limitPrice: '49500.5' } });
    expect(validateModify(order, { ...v, quantity: '0.02', timeInForce: 'day' })).toEqual({ body: { quantity: '0.02', timeInForce: 'day' } });
    expect(validateModify(order, { ...v, limitPrice: '50000.00' })).toEqual({ errors: { form: 'Nothing has changed: edit a value first.' } });
  });

  it('checks sizes and prices the way the API does', () => {
    const v = modifyValues(order);
    expect(validateModify(order, { ...v, quantity: '', limitPrice: '0' })).toEqual({ errors: { quantity: 'Quantity is required.', limitPrice: 'Limit price must be more than zero.' } });
    expect(validateModify(order, { ...v, limitPrice: '1.0000000001' })).toEqual({ errors: { limitPrice: 'Limit price takes at most 9 decimal places.' } });
    const stop = anOrder({ type: 'stop', limitPrice: null, stopPrice: '40000' });
    expect(validateModify(stop, { ...modifyValues(stop), timeInForce: 'ioc' })).toEqual({ errors: { timeInForce: 'Immediate or cancel is for market and limit orders.' } });
  });

  it('switches a trailing stop from a percent to an amount, and keeps percents below 100', () => {
    const trailing = anOrder({ type: 'trailing_stop', limitPrice: null, trailPercent: '5' });
    const v = modifyValues(trailing);
    expect(v).toMatchObject({ trailBy: 'percent', trail: '5' });
    expect(validateModify(trailing, { ...v, trail: '100' })).toEqual({ errors: { trail: 'Trail percent must be below 100.' } });
    expect(validateModify(trailing, { ...v, trailBy: 'price', trail: '5' })).toEqual({ body: { trailPrice: '5' } });
  });

  it('keeps the amount of an order sized by money unless a quantity is given, and keeps it a day order', () => {
    const notional = anOrder({ type: 'market', timeInForce: 'day', quantity: null, notional: '500', limitPrice: null });
    const v = modifyValues(notional);
    expect(validateModify(notional, { ...v, timeInForce: 'gtc' })).toEqual({ errors: { timeInForce: expect.stringMatching(/day order/) } });
    expect(validateModify(notional, { ...v, quantity: '2', timeInForce: 'gtc' })).toEqual({ body: { quantity: '2', timeInForce: 'gtc' } });
  });

  it("words the API's refusals for a person", () => {
    expect(modifyErrors(new ApiError(400, 'validation_failed', 'body.limitPrice: bad', { issues: [{ path: 'body.limitPrice', message: 'must be greater than zero' }] }))).toEqual({ limitPrice: 'Must be greater than zero' });
    expect(modifyErrors(new ApiError(422, 'unprocessable', 'order x is filled and can no longer change', { reason: 'order_closed', status: 'partially_filled' }))).toEqual({
      form: 'This order is partially filled now and can no longer be changed.',
    });
    expect(modifyErrors(new ApiError(422, 'unprocessable', 'replacement rejected: insufficient buying power', { reason: 'replace_rejected' }))).toEqual({ form: 'The change was refused: insufficient buying power.' });
    expect(modifyErrors(new ApiError(422, 'unprocessable', 'order rejected by risk checks: trading is switched off', { reason: 'kill_switch' }))).toEqual({ form: 'Refused by the risk checks: trading is switched off' });
  });
});

describe('the modify form', () => {
  const fetchMock = stubbedFetch();

  function renderForm(order = anOrder()) {
    const onReplaced = vi.fn();
    const onClose = vi.fn();
    render(
      <QueryClientProvider client={new QueryClient()}>
        <OrderModifyForm order={order} onReplaced={onReplaced} onClose={onClose} />
      </QueryClientProvider>,
    );
    return { onReplaced, onClose };
  }
  const field = (label: RegExp) => screen.getByLabelText(label);
  const save = () => fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));

  it('starts from the order as it is, with the fields of its type, focused on the first', () => {
    renderForm();
    expect(field(/^Quantity/)).toHaveProperty('value', '0.01');
    expect(field(/^Limit price/)).toHaveProperty('value', '50000');
    expect(field(/^Time in force/)).toHaveProperty('value', 'gtc');
    expect(screen.queryByLabelText(/^Stop price/)).toBeNull();
    expect(document.activeElement).toBe(field(/^Quantity/));
  });

  it('says what is wrong next to the field, moves the focus there and calls nothing', async () => {
    renderForm();
    fireEvent.change(field(/^Limit price/), { target: { value: '0' } });
    save();
    expect(screen.getByText('Limit price must be more than zero.')).toBeTruthy();
    expect(field(/^Limit price/).getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(field(/^Limit price/)));
    expect(fetchMock).not.toHaveBeenCalled();
    // Typing again clears the message.
    fireEvent.change(field(/^Limit price/), { target: { value: '48000' } });
    expect(screen.queryByText('Limit price must be more than zero.')).toBeNull();
  });

  it("puts the API's 400 on its field and its 422 in plain words on the form", async () => {
    fetchMock
      .mockResolvedValueOnce(jsonAnswer(400, { error: { code: 'validation_failed', message: 'body.quantity: must be a positive decimal', details: { issues: [{ path: 'body.quantity', message: 'must be a positive decimal number as a string, like "12.50"' }] } } }))
      .mockResolvedValueOnce(jsonAnswer(422, { error: { code: 'unprocessable', message: 'replacement rejected: insufficient buying power: needs 1001.00 USD, available 10.00', details: { reason: 'replace_rejected', orderId: 'x' } } }));
    renderForm();
    fireEvent.change(field(/^Quantity/), { target: { value: '0.02' } });
    save();
    expect(await screen.findByText('Must be a positive decimal number as a string, like "12.50"')).toBeTruthy();
    expect(field(/^Quantity/).getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(field(/^Quantity/), { target: { value: '0.03' } });
    save();
    expect((await screen.findByText(/^The change was refused/)).textContent).toBe('The change was refused: insufficient buying power: needs 1001.00 USD, available 10.00.');
  });

  it('replaces the order with what changed and hands over the replacement', async () => {
    const replacement = anOrder({ id: '0190f1a2-0000-7000-8000-0000000000a2', limitPrice: '48000', replaces: anOrder().id });
    fetchMock.mockResolvedValueOnce(jsonAnswer(201, replacement));
    const { onReplaced } = renderForm();
    fireEvent.change(field(/^Limit price/), { target: { value: '48000' } });
    save();
    await waitFor(() => expect(onReplaced).toHaveBeenCalledWith(replacement));
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe(`/api/execution/orders/${anOrder().id}`);
    expect(init.method).toBe('PATCH');
    expect(JSON.parse(init.body as string)).toEqual({ limitPrice: '48000' });
  });

  it('closes on Escape', () => {
    const { onClose } = renderForm();
    fireEvent.keyDown(field(/^Limit price/), { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });
});
