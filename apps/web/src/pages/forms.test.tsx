// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { humanise } from '../components/AllocationCard';
import { AuthProvider } from '../lib/auth';
import { readTokens } from '../lib/session';
import { csvHeader, guessMapping } from './ImportCsv';
import SignIn from './SignIn';
import SignUp from './SignUp';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function renderWithAuth(ui: React.ReactNode) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <AuthProvider>{ui}</AuthProvider>
    </QueryClientProvider>,
  );
}

describe('sign-in and sign-up forms', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    localStorage.clear();
  });

  it('asks for the two-factor code when the account needs one, then signs in with it', async () => {
    fetchMock
      .mockResolvedValueOnce(json(401, { error: { code: 'totp_required', message: 'a TOTP code is required' } }))
      .mockResolvedValueOnce(json(200, { accessToken: 'h.eyJzdWIiOiJ1In0.s', refreshToken: 'r1', expiresIn: 900, tokenType: 'Bearer' }));
    renderWithAuth(<SignIn />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const code = await screen.findByLabelText('Two-factor code');
    fireEvent.change(code, { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(readTokens()?.refreshToken).toBe('r1'));
    const body = JSON.parse((fetchMock.mock.calls[1] as [string, RequestInit])[1].body as string) as Record<string, string>;
    expect(body).toEqual({ email: 'ada@example.com', password: 'correct horse battery staple', totp: '123456' });
  });

  it('says plainly that email or password is wrong', async () => {
    fetchMock.mockResolvedValueOnce(json(401, { error: { code: 'invalid_credentials', message: 'invalid email or password' } }));
    renderWithAuth(<SignIn />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope nope nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('The email or the password is not right.')).toBeTruthy();
    expect(readTokens()).toBeNull();
  });

  it('puts the password policy refusal (422) under the password field', async () => {
    fetchMock.mockResolvedValueOnce(json(422, { error: { code: 'weak_password', message: 'this password is too common', details: { reason: 'common' } } }));
    renderWithAuth(<SignUp />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'password1234' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('this password is too common')).toBeTruthy();
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');
  });

  it('checks email and length before calling the API', () => {
    renderWithAuth(<SignUp />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'not-an-email' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'short' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByText('Enter an email address, like you@example.com.')).toBeTruthy();
    expect(screen.getByText(/at least 12 characters/)).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('the CSV import wizard helpers', () => {
  it('reads the header row with quotes and the file delimiter', () => {
    expect(csvHeader('Date;"Type, kind";Ticker\n2024-01-01;BUY;AAPL')).toEqual(['Date', 'Type, kind', 'Ticker']);
    expect(csvHeader('date,type,symbol,quantity,unitPrice\r\n')).toEqual(['date', 'type', 'symbol', 'quantity', 'unitPrice']);
  });

  it('guesses the mapping from column names', () => {
    expect(guessMapping(['Trade Date', 'Action', 'Ticker', 'Shares', 'Price', 'Commission'])).toEqual({
      date: 'Trade Date',
      type: 'Action',
      symbol: 'Ticker',
      quantity: 'Shares',
      unitPrice: 'Price',
      fee: 'Commission',
    });
  });

  it('names allocation keys in words', () => {
    expect(humanise('REAL_ESTATE')).toBe('Real estate');
    expect(humanise('USD')).toBe('USD');
    expect(humanise('Interactive Brokers')).toBe('Interactive Brokers');
  });
});
